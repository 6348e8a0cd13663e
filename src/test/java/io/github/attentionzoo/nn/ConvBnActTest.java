package io.github.attentionzoo.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;

class ConvBnActTest extends LayerTestSupport {

    /** Random BatchNorm statistics, so that folding has something to fold. */
    private void randomizeBatchNorm(ConvBnActBlock unit, int channels) {
        param(unit, "02BatchNorm_gamma").set(random(channels).abs().add(0.5f).toFloatArray());
        param(unit, "02BatchNorm_beta").set(random(channels).toFloatArray());
        param(unit, "02BatchNorm_runningMean").set(random(channels).toFloatArray());
        param(unit, "02BatchNorm_runningVar").set(random(channels).abs().add(0.2f).toFloatArray());
        unit.invalidate();
    }

    private static NDArray unfused(ConvBnActBlock unit, LayerTestSupport t, NDArray x) {
        NDArray y = x;
        for (var child : unit.getChildren().values()) {
            y = t.forward(child, y, false);
        }
        return y;
    }

    @Test
    void foldedInferenceEqualsConvThenBatchNormThenRelu() {
        for (int stride : new int[] {1, 2}) {
            ConvBnActBlock unit = init(ConvBnAct.of(8).stride(stride).dilation(stride).bias(true).build(),
                    new Shape(2, 4, 9, 9));
            randomizeBatchNorm(unit, 8);
            NDArray x = random(2, 4, 9, 9);
            NDArray folded = forward(unit, x, false);
            NDArray reference = unfused(unit, this, x);
            assertTrue(folded.sub(reference).abs().max().getFloat() < 1e-4f);
        }
    }

    @Test
    void trainingInvalidatesTheFoldedWeights() {
        ConvBnActBlock unit = init(ConvBnAct.of(4).relu(false).build(), new Shape(8, 3, 6, 6));
        NDArray x = random(8, 3, 6, 6);
        forward(unit, x, false);
        forward(unit, x.add(3f), true);
        NDArray after = forward(unit, x, false);
        assertTrue(after.sub(unfused(unit, this, x)).abs().max().getFloat() < 1e-4f,
                "inference after a training pass uses the updated running statistics");
    }

    @Test
    void trainingThroughTheTrainersLabelledEntryPointInvalidatesToo() {
        // Trainer.forward(data, labels) reaches a network's first layers through this overload;
        // missing it left a stale stem in every evaluation after the first epoch.
        SequentialBlock net = init(new SequentialBlock().add(ConvBnAct.of(4).relu(false).build()),
                new Shape(8, 3, 6, 6));
        ConvBnActBlock unit = (ConvBnActBlock) net.getChildren().valueAt(0);
        NDArray x = random(8, 3, 6, 6);
        forward(net, x, false);
        net.forward(new ParameterStore(manager, false), new NDList(x.add(3f)), new NDList(manager.zeros(new Shape(8))),
                null);
        NDArray after = forward(net, x, false);
        assertTrue(after.sub(unfused(unit, this, x)).abs().max().getFloat() < 1e-4f,
                "inference after a labelled training pass uses the updated running statistics");
    }

    @Test
    void savedBytesEqualThoseOfThePlainSequence() throws Exception {
        ConvBnActBlock unit = init(ConvBnAct.of(6).build(), new Shape(1, 3, 5, 5));
        SequentialBlock plain = new SequentialBlock()
                .add(Conv2d.builder().setFilters(6).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optBias(false).build())
                .add(ConvBnAct.batchNorm())
                .add(Activation.reluBlock());
        init(plain, new Shape(1, 3, 5, 5));
        for (int i = 0; i < plain.getParameters().size(); i++) {
            plain.getParameters().valueAt(i).getArray().set(unit.getParameters().valueAt(i).getArray().toFloatArray());
        }
        assertArrayEquals(bytes(plain), bytes(unit), "checkpoints of either load into the other");
    }

    private static byte[] bytes(SequentialBlock block) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(out));
        return out.toByteArray();
    }
}
