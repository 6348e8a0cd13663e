package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.join;
import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.nn.SelectiveKernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers' {@link SelectiveKernel}: branches, their sum squeezed into z, a softmax across
 * branches per channel, and the branches weighted by it; it records the branch weights.
 */
final class SelectiveKernelKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block block, String path, OnnxGraph.Value x) {
        SelectiveKernel sk = (SelectiveKernel) block;
        int k = sk.getKernels().length;
        Set<String> required = new HashSet<>(Set.of("fc"));
        for (int i = 0; i < k; i++) {
            required.add("convs" + i);
            required.add("fcs" + i);
        }
        Map<String, Pair<String, Block>> children = g.children(sk, path, required, Set.of("fcNorm"));
        Shape out = outputShape(sk, path, x);
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            OnnxGraph.Value v = g.emit(children.get("convs" + i), path, x);
            if (!v.shape().equals(out)) {
                throw refusal(sk, path, "branch " + i + " gives " + v.shape() + ", the block " + out);
            }
            branches.add(v.name());
        }
        String u = k == 1 ? branches.get(0) : g.node("Sum", path, branches);
        Node flat = g.add("Flatten", path, List.of(g.node("GlobalAveragePool", path, List.of(u))));
        flat.integer("axis", 1);
        String z = fuse(g, sk, children, path, flat.outputs.get(0), new Shape(1, out.get(1)));
        List<String> logits = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Pair<String, Block> fcs = children.get("fcs" + i);
            String selected = OnnxWeights.linearChild(g, fcs.getValue(), join(path, fcs.getKey()), z,
                    new Shape(1, sk.getHidden()));
            logits.add(g.node("Unsqueeze", path, List.of(selected, g.int64Constant(1))));
        }
        // Softmax across branches, per channel: [N, K, C] on axis 1, as the Java forward.
        String stacked = k == 1 ? logits.get(0) : g.node("Concat", path, logits, n -> n.integer("axis", 1));
        Node softmax = g.add("Softmax", path, List.of(stacked));
        softmax.integer("axis", 1);
        List<String> weights = new ArrayList<>();
        if (k == 1) {
            weights.add(softmax.outputs.get(0));
        } else {
            Node split = new Node("Split", g.fresh(path + "/Split"), List.of(softmax.outputs.get(0)), List.of());
            for (int i = 0; i < k; i++) {
                split.outputs.add(g.fresh(path + "/Split_w" + i));
            }
            split.integer("axis", 1);
            g.nodes().add(split);
            weights.addAll(split.outputs);
        }
        List<String> weighted = new ArrayList<>();
        String toNchw = g.int64Constant(0, -1, 1, 1);
        for (int i = 0; i < k; i++) {
            // [N, 1, C] → [N, C, 1, 1]: 0 keeps the dynamic batch size.
            String w = g.node("Reshape", path, List.of(weights.get(i), toNchw));
            weighted.add(g.node("Mul", path, List.of(branches.get(i), w)));
        }
        String v = k == 1 ? weighted.get(0) : g.node("Sum", path, weighted);
        return new OnnxGraph.Value(v, out);
    }

    /** The fuse layer: fc, or fc then BatchNorm and ReLU with the BatchNorm folded into the Gemm. */
    private static String fuse(OnnxGraph g, SelectiveKernel sk, Map<String, Pair<String, Block>> children,
            String path, String s, Shape in) {
        Pair<String, Block> fc = children.get("fc");
        Pair<String, Block> norm = children.get("fcNorm");
        String fcPath = join(path, fc.getKey());
        if (fc.getValue().getClass() != Linear.class) {
            throw refusal(fc.getValue(), fcPath, "expected a Linear layer here");
        }
        if (norm == null) {
            return OnnxWeights.linear(g, (Linear) fc.getValue(), fcPath, s, in, null, null);
        }
        String normPath = join(path, norm.getKey());
        if (norm.getValue().getClass() != BatchNorm.class) {
            throw refusal(norm.getValue(), normPath, "expected a BatchNorm here");
        }
        // fc then BatchNorm in inference is one affine map: fold it into the Gemm.
        String z = OnnxWeights.linear(g, (Linear) fc.getValue(), fcPath, s, in, (BatchNorm) norm.getValue(), normPath);
        return g.node("Relu", path, List.of(z));
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        SelectiveKernel sk = (SelectiveKernel) block;
        Shape out = block.getOutputShapes(new Shape[] {input})[0];
        Shape z = new Shape(input.get(0), sk.getHidden());
        for (Pair<String, Block> c : block.getChildren()) {
            String name = c.getKey();
            Shape from = name.contains("convs") ? input : name.endsWith("fc") ? new Shape(input.get(0), out.get(1)) : z;
            walk.child(c.getValue(), from, join(path, name));
        }
        // The selection: one multiply per element and branch.
        long perImage = out.size() / out.get(0);
        walk.row(join(path, "select"), "SelectiveKernel", out, 0, perImage * sk.getKernels().length);
        return out;
    }

    @Override
    public String recordKind() {
        return AttentionRecorder.BRANCH_WEIGHTS;
    }
}
