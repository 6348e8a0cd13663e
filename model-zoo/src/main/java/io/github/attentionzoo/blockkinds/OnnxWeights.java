package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * The weighted layers as ONNX nodes, shared by the kinds that contain them: convolutions and
 * dense layers with their initializers, and BatchNorm in inference as a scale and shift that may
 * be folded into the layer before it.
 */
final class OnnxWeights {

    private OnnxWeights() {}

    /** A Conv node with its weight (and bias) as initializers; returns its output. */
    static String conv(OnnxGraph g, String path, String x, float[] weight, Shape wShape, float[] bias,
            Shape stride, Shape padding, Shape dilation, int groups) {
        List<String> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.add(g.initializer(path + ".weight", wShape.getShape(), weight));
        if (bias != null) {
            inputs.add(g.initializer(path + ".bias", new long[] {bias.length}, bias));
        }
        Node n = g.add("Conv", path, inputs);
        n.ints("kernel_shape", wShape.get(2), wShape.get(3));
        n.ints("strides", stride.getShape());
        n.ints("pads", padding.get(0), padding.get(1), padding.get(0), padding.get(1));
        n.ints("dilations", dilation.getShape());
        n.integer("group", groups);
        return n.outputs.get(0);
    }

    /**
     * A Linear layer on the last axis: Gemm for [N, in], MatMul + Add otherwise. A BatchNorm
     * over its outputs may be folded in.
     */
    static String linear(OnnxGraph g, Linear block, String path, String x, Shape in, BatchNorm foldedNorm,
            String normPath) {
        NDArray w = array(block, path, "weight");
        Shape ws = w.getShape();
        int out = (int) ws.get(0);
        int features = (int) ws.get(1);
        if (in.get(in.dimension() - 1) != features) {
            throw refusal(block, path, "its weight takes " + features + " features, the input is " + in);
        }
        float[] weight = floats(block, path, w);
        Parameter b = block.getParameters().get("bias");
        float[] bias = b == null ? null : floats(block, path, b.getArray());
        if (foldedNorm != null) {
            double[][] ss = scaleShift(foldedNorm, normPath, privateNumber(foldedNorm, normPath, "epsilon").floatValue());
            if (ss[0].length != out) {
                throw refusal(foldedNorm, normPath, "has " + ss[0].length + " channels after " + out + " units");
            }
            float[] fw = new float[weight.length];
            float[] fb = new float[out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < features; i++) {
                    fw[o * features + i] = (float) (weight[o * features + i] * ss[0][o]);
                }
                fb[o] = (float) (ss[1][o] + (bias == null ? 0 : bias[o] * ss[0][o]));
            }
            weight = fw;
            bias = fb;
        }
        if (in.dimension() == 2) {
            List<String> inputs = new ArrayList<>(List.of(x, g.initializer(path + ".weight", ws.getShape(), weight)));
            if (bias != null) {
                inputs.add(g.initializer(path + ".bias", new long[] {out}, bias));
            }
            Node n = g.add("Gemm", path, inputs);
            n.integer("transB", 1);
            return n.outputs.get(0);
        }
        float[] transposed = new float[weight.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < features; i++) {
                transposed[i * out + o] = weight[o * features + i];
            }
        }
        String y = g.node("MatMul", path, List.of(x, g.initializer(path + ".weightT", new long[] {features, out}, transposed)));
        return bias == null ? y : g.node("Add", path, List.of(y, g.initializer(path + ".bias", new long[] {out}, bias)));
    }

    /** A child that must be a plain Linear layer, as a dense node on {@code x}. */
    static String linearChild(OnnxGraph g, Block child, String childPath, String x, Shape in) {
        if (child.getClass() != Linear.class) {
            throw refusal(child, childPath, "expected a Linear layer here");
        }
        return linear(g, (Linear) child, childPath, x, in, null, null);
    }

    /** BatchNorm in inference as y = x·scale + shift, computed in double. */
    static double[][] scaleShift(Block bn, String path, float epsilon) {
        float[] gamma = floats(bn, path, array(bn, path, "gamma"));
        float[] beta = floats(bn, path, array(bn, path, "beta"));
        float[] mean = floats(bn, path, array(bn, path, "runningMean"));
        float[] var = floats(bn, path, array(bn, path, "runningVar"));
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        for (int i = 0; i < gamma.length; i++) {
            scale[i] = gamma[i] / Math.sqrt((double) var[i] + epsilon);
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        return new double[][] {scale, shift};
    }

    /**
     * DJL's BatchNorm keeps its axis and epsilon private and saves neither; reading the fields
     * is the only way to export exactly what its forward pass computes.
     */
    static Number privateNumber(BatchNorm bn, String path, String field) {
        try {
            Field f = BatchNorm.class.getDeclaredField(field);
            f.setAccessible(true);
            return (Number) f.get(bn);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw refusal(bn, path, "its " + field + " cannot be read in this DJL version (" + e + ")");
        }
    }

    static NDArray array(Block block, String path, String name) {
        Parameter p = block.getParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw refusal(block, path, "parameter '" + name + "' is "
                    + (p == null ? "missing" : "not initialized: initialize the network or load its parameters"));
        }
        return p.getArray();
    }

    static float[] floats(Block block, String path, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw refusal(block, path, "its parameters are " + array.getDataType() + "; only float32 is written");
        }
        return array.toFloatArray();
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
