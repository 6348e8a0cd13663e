package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;

/** DJL's {@code SequentialBlock} and the layers' {@code NamedSequentialBlock}: children in order. */
final class SequentialKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        if (((SequentialBlock) block).isReturnIntermediate()) {
            throw refusal(block, path, "it returns every intermediate output, a graph here has one output");
        }
        OnnxGraph.Value v = x;
        for (Pair<String, Block> child : block.getChildren()) {
            v = g.emit(child, path, v);
        }
        return v;
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        return sequence(walk, block, input, path);
    }
}
