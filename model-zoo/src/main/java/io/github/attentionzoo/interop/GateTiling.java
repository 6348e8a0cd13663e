package io.github.attentionzoo.interop;

import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.blockkinds.OnnxGraph;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.blockkinds.OnnxGraph.Tensor;
import io.github.attentionzoo.io.OnnxProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tiles squeeze-and-excitation gates along the width in the int8 graph: the gate of each channel
 * comes out of the last dense layer W times, as a [N, C, 1, W] tensor, instead of as [N, C, 1, 1].
 *
 * <p>ONNX Runtime runs the int8 graph channels-last, where multiplying by a [N, C, 1, 1] gate is a
 * broadcast in spans of C values: one kernel call per pixel, on one thread (17-24% of se_resnet20's
 * int8 time at batch 128, measured). A [N, C, 1, W] gate makes spans of W·C values, a pixel row
 * each: se_resnet20 at batch 128 went from 1.39-1.46× to 1.70-1.77× the fp32 file's images/s (bare
 * loop, AMD EPYC, 2 threads). Repeating the dense layer's rows costs a few thousand multiply-adds,
 * where an Expand of the gate to full size took as long as the faster multiply it allowed. The
 * Reshape that replaces the Unsqueeze keeps its output's name, so calibration ranges measured on
 * the untiled graph still apply, and every value is the same as before: the result is unchanged.
 */
final class GateTiling {

    private GateTiling() {}

    /**
     * Tiles the gate of every int8 multiply that has the shape of an SE rescaling: an activation
     * times Unsqueeze(sigmoid-like(Gemm(h, W, b)), [2, 3]), nothing else reading the gate.
     *
     * @param graph the traced fp32 graph, edited in place
     * @param int8 the nodes the int8 graph runs quantized
     * @return how many gates were tiled
     */
    static int apply(OnnxGraph graph, Set<Node> int8) {
        Map<String, Node> producer = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        for (Node n : graph.nodes()) {
            n.outputs.forEach(o -> producer.put(o, n));
            n.inputs.forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        Map<String, Integer> initializerAt = new HashMap<>();
        for (int i = 0; i < graph.initializers().size(); i++) {
            initializerAt.put(graph.initializers().get(i).name(), i);
        }
        int tiled = 0;
        for (Node mul : List.copyOf(graph.nodes())) {
            if (!mul.op.equals("Mul") || !int8.contains(mul) || mul.inputs.size() != 2) {
                continue;
            }
            Node unsqueeze = producer.get(mul.inputs.get(1));
            Node gate = unsqueeze == null ? null : producer.get(unsqueeze.inputs.get(0));
            Node gemm = gate == null ? null : producer.get(gate.inputs.get(0));
            Shape shape = graph.blockOutputShape(mul.outputs.get(0));
            if (gemm == null || !unsqueeze.op.equals("Unsqueeze")
                    || !(gate.op.equals("Sigmoid") || gate.op.equals("HardSigmoid")) || !gemm.op.equals("Gemm")
                    || !onlyTransposedWeight(gemm) || shape == null || shape.dimension() != 4
                    || !soleReader(readers, unsqueeze, gate, gemm)
                    || !isInt64(graph, initializerAt, unsqueeze.inputs.get(1), 2, 3)) {
                continue;
            }
            long channels = shape.get(1);
            long width = shape.get(3);
            Integer weightAt = initializerAt.get(gemm.inputs.get(1));
            Integer biasAt = gemm.inputs.size() > 2 ? initializerAt.get(gemm.inputs.get(2)) : null;
            if (width < 2 || weightAt == null || (gemm.inputs.size() > 2 && biasAt == null)
                    || (biasAt != null && readers.getOrDefault(gemm.inputs.get(2), 0) != 1)
                    || graph.initializers().get(weightAt).dims()[0] != channels) {
                continue;
            }
            repeatRows(graph, weightAt, (int) width);
            if (biasAt != null) {
                repeatRows(graph, biasAt, (int) width);
            }
            ByteBuffer dims = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            // 0 keeps the batch axis as it is.
            dims.putLong(0).putLong(channels).putLong(1).putLong(width);
            String target = graph.tensor(unsqueeze.name + "_tiled_shape", new long[] {4}, OnnxProto.DataType.INT64,
                    dims.array());
            Node reshape = new Node("Reshape", unsqueeze.name, List.of(gate.outputs.get(0), target), unsqueeze.outputs);
            graph.nodes().set(graph.nodes().indexOf(unsqueeze), reshape);
            tiled++;
        }
        return tiled;
    }

    /** A Gemm whose only attribute is transB = 1: y = x·Wᵀ + b, one weight row per output. */
    private static boolean onlyTransposedWeight(Node gemm) {
        return gemm.attributes.size() == 1 && gemm.attributes.get(0).name().equals("transB")
                && gemm.attributes.get(0).ints()[0] == 1 && gemm.inputs.size() >= 2;
    }

    /**
     * Whether the dense layer's output feeds only the gate, the gate only the Unsqueeze and its
     * Mul, and the weight only this layer: each is rewritten in place.
     */
    private static boolean soleReader(Map<String, Integer> readers, Node unsqueeze, Node gate, Node gemm) {
        return readers.getOrDefault(unsqueeze.outputs.get(0), 0) == 1 && readers.getOrDefault(gate.outputs.get(0), 0) == 1
                && readers.getOrDefault(gemm.outputs.get(0), 0) == 1 && readers.getOrDefault(gemm.inputs.get(1), 0) == 1;
    }

    private static boolean isInt64(OnnxGraph graph, Map<String, Integer> initializerAt, String name, long... values) {
        Integer at = initializerAt.get(name);
        if (at == null) {
            return false;
        }
        Tensor t = graph.initializers().get(at);
        if (t.dataType() != OnnxProto.DataType.INT64 || t.raw().length != values.length * 8) {
            return false;
        }
        ByteBuffer buf = ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (buf.getLong() != v) {
                return false;
            }
        }
        return true;
    }

    /** Replaces an initializer by one whose first-axis rows each appear {@code times} times in a row. */
    private static void repeatRows(OnnxGraph graph, int at, int times) {
        Tensor t = graph.initializers().get(at);
        int rows = (int) t.dims()[0];
        int rowBytes = t.raw().length / rows;
        byte[] raw = new byte[t.raw().length * times];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < times; k++) {
                System.arraycopy(t.raw(), r * rowBytes, raw, (r * times + k) * rowBytes, rowBytes);
            }
        }
        long[] dims = t.dims().clone();
        dims[0] = (long) rows * times;
        graph.initializers().set(at, new Tensor(t.name(), dims, t.dataType(), raw));
    }
}
