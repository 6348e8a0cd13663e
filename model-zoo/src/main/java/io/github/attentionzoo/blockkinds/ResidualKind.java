package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.join;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers' residual blocks (basic, bottleneck, and their deprecated SE-named aliases), which
 * share one forward: relu(residual(x) + shortcut(x)), the shortcut the identity when absent.
 */
final class ResidualKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        Map<String, Pair<String, Block>> children = g.children(block, path, Set.of("residual"), Set.of("shortcut"));
        OnnxGraph.Value branch = g.emit(children.get("residual"), path, x);
        Pair<String, Block> s = children.get("shortcut");
        OnnxGraph.Value shortcut = s == null ? x : g.emit(s, path, x);
        if (!branch.shape().equals(shortcut.shape())) {
            throw refusal(block, path, "its branch gives " + branch.shape() + " but its shortcut " + shortcut.shape());
        }
        String sum = g.node("Add", path, List.of(branch.name(), shortcut.name()));
        return new OnnxGraph.Value(g.node("Relu", path, List.of(sum)), branch.shape());
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        Shape out = null;
        for (Pair<String, Block> c : block.getChildren()) {
            Shape s = walk.child(c.getValue(), input, join(path, c.getKey()));
            out = out == null ? s : out;
        }
        // The addition: one op per output element.
        walk.row(join(path, "add+relu"), "Add", out, 0, out.size() / out.get(0));
        return out;
    }
}
