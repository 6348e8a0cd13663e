package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxWeights.array;
import static io.github.attentionzoo.blockkinds.OnnxWeights.floats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;

/** DJL's {@code Conv2d}: one Conv node; a weight's MAC per output pixel. */
final class Conv2dKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        Conv2d conv = (Conv2d) block;
        Shape out = outputShape(conv, path, x);
        NDArray w = array(conv, path, "weight");
        Parameter b = conv.getParameters().get("bias");
        float[] bias = b == null ? null : floats(conv, path, b.getArray());
        String name = OnnxWeights.conv(g, path, x.name(), floats(conv, path, w), w.getShape(), bias,
                conv.getStride(), conv.getPadding(), conv.getDilation(), conv.getGroups());
        return new OnnxGraph.Value(name, out);
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        Shape out = block.getOutputShapes(new Shape[] {input})[0];
        long weights = block.getParameters().get("weight").getArray().size();
        return layer(walk, block, input, path, weights * out.get(2) * out.get(3));
    }
}
