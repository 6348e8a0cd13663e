package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.join;
import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.nn.SqueezeExcitation;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers' {@link SqueezeExcitation}: squeeze, two dense layers, a gate, and the input
 * rescaled per channel; it records its gates.
 */
final class SqueezeExcitationKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        SqueezeExcitation se = (SqueezeExcitation) block;
        Map<String, Pair<String, Block>> children = g.children(se, path, Set.of("fc1", "fc2"), Set.of());
        Shape out = outputShape(se, path, x);
        String pooled;
        switch (se.getSqueeze()) {
            case AVG: pooled = g.node("GlobalAveragePool", path, List.of(x.name())); break;
            case MAX: pooled = g.node("GlobalMaxPool", path, List.of(x.name())); break;
            default: throw refusal(se, path, "squeeze " + se.getSqueeze() + " has no ONNX mapping");
        }
        long c = x.shape().get(1);
        Node flat = g.add("Flatten", path, List.of(pooled));
        flat.integer("axis", 1);
        String h = dense(g, children.get("fc1"), path, flat.outputs.get(0), new Shape(1, c));
        h = g.node("Relu", path, List.of(h));
        String z = dense(g, children.get("fc2"), path, h, new Shape(1, se.getHidden()));
        String gate;
        switch (se.getGate()) {
            case SIGMOID:
                gate = g.node("Sigmoid", path, List.of(z));
                break;
            case HARD_SIGMOID:
                // relu6(z + 3) / 6 = clip(z / 6 + 1/2, 0, 1): ONNX HardSigmoid with alpha 1/6, beta 1/2.
                Node hs = g.add("HardSigmoid", path, List.of(z));
                hs.real("alpha", 1f / 6f);
                hs.real("beta", 0.5f);
                gate = hs.outputs.get(0);
                break;
            default:
                throw refusal(se, path, "gate " + se.getGate() + " has no ONNX mapping");
        }
        String unsqueezed = g.node("Unsqueeze", path, List.of(gate, g.int64Constant(2, 3)));
        return new OnnxGraph.Value(g.node("Mul", path, List.of(x.name(), unsqueezed)), out);
    }

    private static String dense(OnnxGraph g, Pair<String, Block> child, String path, String x, Shape in) {
        return OnnxWeights.linearChild(g, child.getValue(), join(path, child.getKey()), x, in);
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        Shape hidden = null;
        for (Pair<String, Block> c : block.getChildren()) {
            hidden = walk.child(c.getValue(), hidden == null ? new Shape(input.get(0), input.get(1)) : hidden,
                    join(path, c.getKey()));
        }
        // The rescaling: one multiply per element.
        walk.row(join(path, "scale"), "SqueezeExcitation", input, 0, input.size() / input.get(0));
        return input;
    }

    @Override
    public String recordKind() {
        return AttentionRecorder.GATES;
    }
}
