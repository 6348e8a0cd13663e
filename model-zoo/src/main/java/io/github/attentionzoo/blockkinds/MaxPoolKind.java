package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;

import java.util.List;

/** The zoo's {@link MaxPool2dBlock}, max pooling that tells its window: one MaxPool node. */
final class MaxPoolKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        MaxPool2dBlock pool = (MaxPool2dBlock) block;
        Shape out = outputShape(pool, path, x);
        Node n = g.add("MaxPool", path, List.of(x.name()));
        Shape p = pool.getPadding();
        n.ints("kernel_shape", pool.getKernel().getShape());
        n.ints("strides", pool.getStride().getShape());
        n.ints("pads", p.get(0), p.get(1), p.get(0), p.get(1));
        n.integer("ceil_mode", pool.isCeilMode() ? 1 : 0);
        return new OnnxGraph.Value(n.outputs.get(0), out);
    }
}
