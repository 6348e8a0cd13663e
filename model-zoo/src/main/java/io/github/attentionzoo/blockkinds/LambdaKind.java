package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * DJL's lambda blocks {@code ReLU}, {@code identity}, {@code globalAvgPool2d}, {@code
 * globalMaxPool2d} and {@code batchFlatten}. They carry only a name, so the function is checked on
 * a random input against the op the name promises: a block merely named "ReLU" is not taken on
 * trust.
 */
final class LambdaKind extends BlockKind {

    private static final Set<String> LAMBDAS =
            Set.of("ReLU", "identity", "globalAvgPool2d", "globalMaxPool2d", "batchFlatten");

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block b, String path, OnnxGraph.Value x) {
        LambdaBlock block = (LambdaBlock) b;
        String name = block.getName();
        if ("maxPool2d".equals(name)) {
            throw refusal(block, path, "DJL's maxPool2d block hides its window in a lambda; build it as "
                    + MaxPool2dBlock.class.getName());
        }
        if (!LAMBDAS.contains(name)) {
            throw refusal(block, path, "lambda block '" + name + "' is not one of " + new TreeSet<>(LAMBDAS));
        }
        Shape out = outputShape(block, path, x);
        probe(g, block, path, name, x.shape());
        switch (name) {
            case "ReLU":
                return new OnnxGraph.Value(g.node("Relu", path, List.of(x.name())), out);
            case "identity":
                return x;
            case "batchFlatten": {
                Node n = g.add("Flatten", path, List.of(x.name()));
                n.integer("axis", 1);
                return new OnnxGraph.Value(n.outputs.get(0), out);
            }
            default: {
                if (x.shape().dimension() != 4) {
                    throw refusal(block, path, name + " needs an NCHW input, got " + x.shape());
                }
                String pooled = g.node(name.startsWith("globalAvg") ? "GlobalAveragePool" : "GlobalMaxPool",
                        path, List.of(x.name()));
                if (out.dimension() == 4) {
                    return new OnnxGraph.Value(pooled, out);
                }
                Node n = g.add("Flatten", path, List.of(pooled));
                n.integer("axis", 1);
                return new OnnxGraph.Value(n.outputs.get(0), out);
            }
        }
    }

    private static void probe(OnnxGraph g, LambdaBlock block, String path, String name, Shape shape) {
        try (NDManager scope = g.probes().newSubManager()) {
            long[] dims = shape.getShape().clone();
            dims[0] = 2;
            NDArray in = scope.randomNormal(new Shape(dims));
            NDArray got = block.forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow();
            NDArray want;
            switch (name) {
                case "ReLU": want = Activation.relu(in); break;
                case "identity": want = in; break;
                case "globalAvgPool2d": want = Pool.globalAvgPool2d(in); break;
                case "globalMaxPool2d": want = Pool.globalMaxPool2d(in); break;
                default: want = in.reshape(2, -1); break;
            }
            if (!got.getShape().equals(want.getShape()) || !got.allClose(want, 1e-5, 1e-6, false)) {
                throw refusal(block, path, "lambda block '" + name + "' does not compute DJL's " + name);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw refusal(block, path, "lambda block '" + name + "' failed on a probe input: " + e.getMessage());
        }
    }
}
