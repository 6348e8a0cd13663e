package io.github.attentionzoo.blockkinds;

import static io.github.attentionzoo.blockkinds.OnnxGraph.join;
import static io.github.attentionzoo.blockkinds.OnnxGraph.outputShape;
import static io.github.attentionzoo.blockkinds.OnnxGraph.refusal;
import static io.github.attentionzoo.blockkinds.OnnxWeights.array;
import static io.github.attentionzoo.blockkinds.OnnxWeights.floats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.github.attentionzoo.nn.ConvBnAct;
import io.github.attentionzoo.nn.ConvBnActBlock;

import java.util.List;

/**
 * The layers' {@link ConvBnActBlock}: in ONNX one convolution with the BatchNorm folded in (as its
 * inference pass does), then ReLU; in a summary, its children.
 */
final class ConvBnActKind extends BlockKind {

    @Override
    OnnxGraph.Value toOnnx(OnnxGraph g, Block b, String path, OnnxGraph.Value x) {
        ConvBnActBlock block = (ConvBnActBlock) b;
        List<Pair<String, Block>> children = block.getChildren().stream().toList();
        int expected = block.isRelu() ? 3 : 2;
        if (children.size() != expected || children.get(0).getValue().getClass() != Conv2d.class
                || children.get(1).getValue().getClass() != BatchNorm.class) {
            throw refusal(block, path, "expected Conv2d, BatchNorm" + (block.isRelu() ? ", ReLU" : "")
                    + " children, found " + children.stream().map(Pair::getKey).toList());
        }
        Shape out = outputShape(block, path, x);
        Block conv = children.get(0).getValue();
        Block bn = children.get(1).getValue();
        String convPath = join(path, children.get(0).getKey());
        String bnPath = join(path, children.get(1).getKey());
        NDArray w = array(conv, convPath, "weight");
        float[] weight = floats(conv, convPath, w);
        Parameter convBias = conv.getParameters().get("bias");
        float[] bias = convBias == null ? null : floats(conv, convPath, convBias.getArray());
        // The same fold, with the same epsilon, as ConvBnActBlock's inference pass.
        double[][] ss = OnnxWeights.scaleShift(bn, bnPath, ConvBnAct.BN_EPSILON);
        double[] scale = ss[0];
        double[] shift = ss[1];
        int filters = (int) w.getShape().get(0);
        if (scale.length != filters) {
            throw refusal(block, path, "BatchNorm has " + scale.length + " channels, the convolution " + filters);
        }
        int per = weight.length / filters;
        float[] foldedW = new float[weight.length];
        float[] foldedB = new float[filters];
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < per; i++) {
                foldedW[f * per + i] = (float) (weight[f * per + i] * scale[f]);
            }
            foldedB[f] = (float) (shift[f] + (bias == null ? 0 : bias[f] * scale[f]));
        }
        String y = OnnxWeights.conv(g, path, x.name(), foldedW, w.getShape(), foldedB, block.getStride(),
                block.getPadding(), block.getDilation(), block.getGroups());
        if (block.isRelu()) {
            Block relu = children.get(2).getValue();
            if (!(relu.getClass() == LambdaBlock.class && "ReLU".equals(((LambdaBlock) relu).getName()))) {
                throw refusal(block, path, "its third child is " + relu.getClass().getName() + ", not DJL's ReLU");
            }
            y = g.node("Relu", path, List.of(y));
        }
        return new OnnxGraph.Value(y, out);
    }

    @Override
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        return sequence(walk, block, input, path);
    }
}
