package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;

/** DJL's {@code Linear}: Gemm (or MatMul + Add); one MAC per weight. */
final class LinearKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        String y = OnnxWeights.linear(g, (Linear) block, path, x.name(), x.shape(), null, null);
        return new OnnxGraph.Value(y, outputShape(block, path, x));
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        return layer(walk, block, input, path, block.getParameters().get("weight").getArray().size());
    }
}
