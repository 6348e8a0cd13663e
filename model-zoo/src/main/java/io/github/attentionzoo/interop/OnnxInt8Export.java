package io.github.attentionzoo.interop;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.attentionzoo.blockkinds.OnnxGraph;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.blockkinds.OnnxGraph.Tensor;
import io.github.attentionzoo.io.OnnxProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a network as a statically quantized int8 ONNX model in QDQ form: the graph {@link
 * OnnxExport} builds (BatchNorm folded), with QuantizeLinear/DequantizeLinear pairs around the
 * operators ONNX Runtime runs in int8, which its full optimization level fuses into {@code
 * QLinearConv}, {@code QLinearAdd}, {@code QLinearMul} and int8 pooling.
 *
 * <p>Weights of convolutions are int8, symmetric, one scale per output channel; their biases int32
 * at the input scale times the weight scale. Activations are uint8, asymmetric, one scale and zero
 * point per tensor, from ranges measured on calibration images ({@link ActivationRanges}).
 * Convolutions, residual additions, pools (max and global average, the SE and SK squeezes among
 * them) and a squeeze-and-excitation's rescaling multiply run in int8; the small dense layers and
 * gates of SE and SK, SK's branch weighting and sum, and the classifier stay float (a sliver of
 * the work, and the most sensitive to rounding). SE's gates come out tiled along the width
 * ({@link GateTiling}), which makes ONNX Runtime's int8 rescaling several times faster. The file uses opset {@value OnnxExport#OPSET}, so ONNX's checker accepts it.
 */
public final class OnnxInt8Export {

    private OnnxInt8Export() {}

    /**
     * The fp32 model with every tensor the int8 graph quantizes exposed as an extra output, for
     * calibration, and the names of those tensors in graph order.
     *
     * @param model the encoded ONNX model
     * @param tensors the tensors to measure, in graph order; all but {@value OnnxExport#INPUT} are
     *     outputs of the model
     */
    public record CalibrationModel(byte[] model, List<String> tensors) {}

    /**
     * Returns the fp32 model calibration runs: the exporter's graph, with the activations the
     * int8 model quantizes added as outputs.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W)
     * @return the model and the tensors to measure
     * @throws IllegalArgumentException when a block cannot be exported
     */
    public static CalibrationModel calibrationModel(Block block, Shape inputShape) {
        OnnxGraph graph = OnnxExport.trace(block, inputShape);
        List<String> tensors = new ArrayList<>(plan(graph).quantized);
        List<String> outputs = new ArrayList<>(tensors);
        // The input is measured from the images themselves: a graph input cannot also be an output.
        outputs.remove(OnnxExport.INPUT);
        return new CalibrationModel(OnnxExport.encode(graph, Map.of(), outputs).toByteArray(), List.copyOf(tensors));
    }

    /**
     * Exports a network as an int8 QDQ model and returns the file's bytes.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W)
     * @param metadataProps the model's metadata_props; a {@code precision} entry is added
     * @param ranges the activation ranges measured on calibration images
     * @return the ONNX model
     * @throws IllegalArgumentException when a block cannot be exported or a range is missing
     */
    public static byte[] toBytes(Block block, Shape inputShape, Map<String, String> metadataProps,
            ActivationRanges ranges) {
        return build(block, inputShape, metadataProps, ranges).toByteArray();
    }

    /**
     * Exports a network as an int8 QDQ model, written atomically.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W)
     * @param metadataProps the model's metadata_props; a {@code precision} entry is added
     * @param ranges the activation ranges measured on calibration images
     * @param output the file to write
     * @throws IOException when the file cannot be written; it is then unchanged
     * @throws IllegalArgumentException when a block cannot be exported or a range is missing
     */
    public static void write(Block block, Shape inputShape, Map<String, String> metadataProps,
            ActivationRanges ranges, Path output) throws IOException {
        OnnxExport.writeModel(build(block, inputShape, metadataProps, ranges), output);
    }

    private static ProtoWriter build(Block block, Shape inputShape, Map<String, String> metadataProps,
            ActivationRanges ranges) {
        OnnxGraph graph = OnnxExport.trace(block, inputShape);
        Plan plan = plan(graph);
        GateTiling.apply(graph, plan.int8);
        quantize(graph, plan, ranges);
        Map<String, String> props = new LinkedHashMap<>(metadataProps == null ? Map.of() : metadataProps);
        props.put("precision", "int8");
        props.put("quantization", "static QDQ: int8 symmetric per-channel convolution weights, uint8 per-tensor"
                + " activations calibrated by " + ranges.method + " on " + ranges.images + " images (" + ranges.source + ")");
        return OnnxExport.encode(graph, props, List.of());
    }

    /** Which nodes run in int8 and which tensors get a QuantizeLinear/DequantizeLinear pair. */
    private record Plan(Set<Node> int8, Set<String> quantized) {}

    private static Plan plan(OnnxGraph graph) {
        Set<String> constants = new java.util.HashSet<>();
        for (Tensor t : graph.initializers()) {
            constants.add(t.name());
        }
        Map<String, Node> producer = new HashMap<>();
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String o : n.outputs) {
                producer.put(o, n);
            }
            for (String i : n.inputs) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        Set<Node> int8 = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            boolean activations = n.inputs.stream().noneMatch(constants::contains);
            switch (n.op) {
                case "Conv":
                case "MaxPool":
                // In int8 the squeeze reads the quantized tensor as it is; in float it would first
                // dequantize the whole activation (16% of se_resnet20's time, measured) and leave the
                // channels-last int8 layout ONNX Runtime picks for QLinearConv.
                case "GlobalAveragePool":
                    int8.add(n);
                    break;
                case "Add":
                    // A residual sum of two activations, not a standalone BatchNorm's shift.
                    if (activations) {
                        int8.add(n);
                    }
                    break;
                default:
                    break;
            }
        }
        // A multiply of two activations whose result feeds int8 work (SE's rescaling before the
        // residual sum) runs in int8 too; one feeding float work (SK's branch weighting) stays float.
        for (Node n : graph.nodes()) {
            if (n.op.equals("Mul") && n.inputs.stream().noneMatch(constants::contains)
                    && consumers.getOrDefault(n.outputs.get(0), List.of()).stream().anyMatch(int8::contains)) {
                int8.add(n);
            }
        }
        Set<String> quantized = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            if (!int8.contains(n)) {
                continue;
            }
            int activationInputs = n.op.equals("Conv") ? 1 : n.inputs.size();
            for (int i = 0; i < activationInputs; i++) {
                quantized.add(n.inputs.get(i));
            }
            String out = n.outputs.get(0);
            List<Node> next = consumers.getOrDefault(out, List.of());
            // Quantizing after a lone ReLU lets ONNX Runtime drop the ReLU into the quantized range.
            if (next.size() == 1 && next.get(0).op.equals("Relu")) {
                out = next.get(0).outputs.get(0);
            }
            quantized.add(out);
        }
        quantized.remove(OnnxExport.OUTPUT);
        // Keep graph order: the input first, then each node's outputs as they are produced.
        Set<String> ordered = new LinkedHashSet<>();
        if (quantized.contains(OnnxExport.INPUT)) {
            ordered.add(OnnxExport.INPUT);
        }
        for (Node n : graph.nodes()) {
            for (String o : n.outputs) {
                if (quantized.contains(o)) {
                    ordered.add(o);
                }
            }
        }
        return new Plan(int8, ordered);
    }

    private static void quantize(OnnxGraph graph, Plan plan, ActivationRanges ranges) {
        Map<String, Tensor> initializers = new HashMap<>();
        for (Tensor t : graph.initializers()) {
            initializers.put(t.name(), t);
        }
        Map<String, float[]> scaleZero = new HashMap<>();
        Map<String, String[]> qparams = new HashMap<>();
        for (String t : plan.quantized) {
            float[] r = ranges.get(t);
            if (r == null) {
                throw new IllegalArgumentException("the calibration ranges have no entry for tensor '" + t
                        + "': they were measured on another network; calibrate this one");
            }
            float[] sz = uint8(r[0], r[1]);
            scaleZero.put(t, sz);
            qparams.put(t, new String[] {
                scalar(graph, t + "_scale", OnnxProto.DataType.FLOAT, floatBytes(new float[] {sz[0]})),
                scalar(graph, t + "_zero_point", OnnxProto.DataType.UINT8, new byte[] {(byte) (int) sz[1]})});
        }
        Map<String, String> dequantized = new HashMap<>();
        for (String t : plan.quantized) {
            dequantized.put(t, graph.fresh(t + "_dq"));
        }
        List<Node> out = new ArrayList<>();
        if (plan.quantized.contains(OnnxExport.INPUT)) {
            addQdq(graph, out, OnnxExport.INPUT, qparams.get(OnnxExport.INPUT), dequantized.get(OnnxExport.INPUT));
        }
        Set<String> replaced = new java.util.HashSet<>();
        for (Node n : graph.nodes()) {
            if (n.op.equals("Conv") && plan.int8.contains(n)) {
                quantizeConv(graph, out, n, initializers, scaleZero.get(n.inputs.get(0)), replaced);
            }
            n.inputs.replaceAll(i -> dequantized.getOrDefault(i, i));
            out.add(n);
            for (String o : n.outputs) {
                if (plan.quantized.contains(o)) {
                    addQdq(graph, out, o, qparams.get(o), dequantized.get(o));
                }
            }
        }
        graph.initializers().removeIf(t -> replaced.contains(t.name()));
        graph.nodes().clear();
        graph.nodes().addAll(out);
    }

    /** Replaces a convolution's float weight and bias by int8 / int32 initializers behind DequantizeLinear. */
    private static void quantizeConv(OnnxGraph graph, List<Node> out, Node conv, Map<String, Tensor> initializers,
            float[] input, Set<String> replaced) {
        Tensor w = initializers.get(conv.inputs.get(1));
        float[] weight = w.floats();
        int filters = (int) w.dims()[0];
        int per = weight.length / filters;
        float[] scales = new float[filters];
        byte[] q = new byte[weight.length];
        for (int f = 0; f < filters; f++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(weight[f * per + i]));
            }
            // A filter of zeros still needs a positive scale; its weights quantize to 0 either way.
            scales[f] = max > 0 ? max / 127f : 1f;
            for (int i = 0; i < per; i++) {
                q[f * per + i] = (byte) Math.max(-127, Math.min(127, Math.round(weight[f * per + i] / scales[f])));
            }
        }
        long[] channels = {filters};
        String wq = graph.tensor(w.name() + "_quantized", w.dims(), OnnxProto.DataType.INT8, q);
        String ws = graph.tensor(w.name() + "_scale", channels, OnnxProto.DataType.FLOAT, floatBytes(scales));
        String wz = graph.tensor(w.name() + "_zero_point", channels, OnnxProto.DataType.INT8, new byte[filters]);
        Node wdq = dequantize(graph, wq, ws, wz, w.name() + "_dq");
        out.add(wdq);
        replaced.add(w.name());
        conv.inputs.set(1, wdq.outputs.get(0));
        if (conv.inputs.size() > 2) {
            Tensor b = initializers.get(conv.inputs.get(2));
            float[] bias = b.floats();
            float[] bscales = new float[filters];
            ByteBuffer bq = ByteBuffer.allocate(filters * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int f = 0; f < filters; f++) {
                // ONNX Runtime's QLinearConv reads the int32 bias at exactly input scale × weight scale.
                bscales[f] = input[0] * scales[f];
                long v = Math.round(bias[f] / (double) bscales[f]);
                bq.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
            }
            String bqName = graph.tensor(b.name() + "_quantized", b.dims(), OnnxProto.DataType.INT32, bq.array());
            String bs = graph.tensor(b.name() + "_scale", channels, OnnxProto.DataType.FLOAT, floatBytes(bscales));
            String bz = graph.tensor(b.name() + "_zero_point", channels, OnnxProto.DataType.INT32, new byte[filters * 4]);
            Node bdq = dequantize(graph, bqName, bs, bz, b.name() + "_dq");
            out.add(bdq);
            replaced.add(b.name());
            conv.inputs.set(2, bdq.outputs.get(0));
        }
    }

    private static Node dequantize(OnnxGraph graph, String q, String scale, String zero, String name) {
        String out = graph.fresh(name);
        Node n = new Node("DequantizeLinear", graph.fresh(name + "/DequantizeLinear"), List.of(q, scale, zero),
                List.of(out));
        n.integer("axis", 0);
        return n;
    }

    private static void addQdq(OnnxGraph graph, List<Node> out, String tensor, String[] qparams, String dequantized) {
        String q = graph.fresh(tensor + "_q");
        out.add(new Node("QuantizeLinear", graph.fresh(tensor + "/QuantizeLinear"),
                List.of(tensor, qparams[0], qparams[1]), List.of(q)));
        out.add(new Node("DequantizeLinear", graph.fresh(tensor + "/DequantizeLinear"),
                List.of(q, qparams[0], qparams[1]), List.of(dequantized)));
    }

    /**
     * The uint8 scale and zero point of a range, widened to hold 0 exactly (zero padding and ReLU
     * outputs must stay exact): {scale, zeroPoint}.
     */
    static float[] uint8(float min, float max) {
        double lo = Math.min(min, 0);
        double hi = Math.max(max, 0);
        double scale = (hi - lo) / 255.0;
        if (!(scale > 0)) {
            return new float[] {1f, 0f};
        }
        long zero = Math.round(-lo / scale);
        return new float[] {(float) scale, Math.max(0, Math.min(255, zero))};
    }

    private static String scalar(OnnxGraph graph, String base, int type, byte[] raw) {
        return graph.tensor(base, new long[0], type, raw);
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }
}
