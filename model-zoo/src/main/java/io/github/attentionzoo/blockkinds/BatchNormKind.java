package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;
import static io.github.attentionzoo.blockkinds.OnnxWeights.privateNumber;
import static io.github.attentionzoo.blockkinds.OnnxWeights.toFloats;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;

import java.util.Arrays;
import java.util.List;

/** DJL's {@code BatchNorm} on its own (not after a convolution): Mul by a scale, Add a shift. */
final class BatchNormKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        BatchNorm bn = (BatchNorm) block;
        Shape out = outputShape(bn, path, x);
        int rank = x.shape().dimension();
        int axis = (int) privateNumber(bn, path, "axis");
        if (axis < 0) {
            axis += rank;
        }
        double[][] ss = OnnxWeights.scaleShift(bn, path, privateNumber(bn, path, "epsilon").floatValue());
        int c = ss[0].length;
        if (axis < 1 || axis >= rank || x.shape().get(axis) != c) {
            throw refusal(bn, path, "normalizes axis " + axis + " of " + x.shape() + " with " + c + " channels");
        }
        long[] dims = new long[rank - axis];
        Arrays.fill(dims, 1);
        dims[0] = c;
        String scale = g.initializer(path + ".scale", dims, toFloats(ss[0]));
        String shift = g.initializer(path + ".shift", dims, toFloats(ss[1]));
        String y = g.node("Mul", path, List.of(x.name(), scale));
        return new OnnxGraph.Value(g.node("Add", path, List.of(y, shift)), out);
    }
}
