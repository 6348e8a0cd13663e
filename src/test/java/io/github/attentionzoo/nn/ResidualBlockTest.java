package io.github.attentionzoo.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

class ResidualBlockTest extends LayerTestSupport {

    private static BasicBlock basic(int in, int out, int stride, boolean se) {
        return BasicBlock.builder().setInChannels(in).setChannels(out).optStride(stride).optAttention(se ? Attention.SE : Attention.NONE).build();
    }

    @Test
    void basicBlockWithIdentityShortcutHasTheExpectedParameters() {
        // Two 3×3 convs 16→16 with BN (4·16 each, running stats included) and SE 16→8→16.
        BasicBlock block = init(basic(16, 16, 1, true), new Shape(1, 16, 8, 8));
        assertEquals(2 * (2304 + 64) + 256, parameterCount(block));
        assertEquals(1, block.getChildren().size(), "identity shortcut: no shortcut block");
    }

    @Test
    void strideTwoAddsAProjectionShortcutAndHalvesTheMap() {
        Shape in = new Shape(2, 16, 8, 8);
        BasicBlock block = init(basic(16, 32, 2, true), in);
        assertEquals(4608 + 128 + 9216 + 128 + 512 + (512 + 128), parameterCount(block));
        assertEquals(new Shape(2, 32, 4, 4), forward(block, random(2, 16, 8, 8), false).getShape());
        assertEquals(new Shape(2, 32, 4, 4), block.getOutputShapes(new Shape[] {in})[0]);
        assertTrue(block.toString().contains("projection"));
    }

    @Test
    void seOffDiffersOnlyByTheSeParameters() {
        Shape in = new Shape(1, 32, 4, 4);
        long withSe = parameterCount(init(basic(32, 32, 1, true), in));
        long plain = parameterCount(init(basic(32, 32, 1, false), in));
        assertEquals(2 * 32 * 8, withSe - plain);
    }

    @Test
    void seScalesTheResidualBeforeTheAddition() {
        Shape in = new Shape(2, 8, 5, 5);
        BasicBlock block = init(basic(8, 8, 1, true), in);
        SequentialBlock residual = (SequentialBlock) block.getChildren().valueAt(0);
        Block conv1 = residual.getChildren().valueAt(0);
        Block conv2 = residual.getChildren().valueAt(1);
        Block se = residual.getChildren().valueAt(2);
        // fc1 = 0 makes every gate sigmoid(0) = 1/2 exactly.
        param(se, "01fc1_weight").set(new float[8 * 8]);
        NDArray x = random(2, 8, 5, 5);
        NDArray f = forward(conv2, forward(conv1, x, false), false);
        NDArray expected = Activation.relu(f.mul(0.5f).add(x));
        NDArray y = forward(block, x, false);
        assertTrue(y.sub(expected).abs().max().getFloat() < 1e-5f, "SE must act on F(x) before + x");
        NDArray afterAdd = Activation.relu(f.add(x)).mul(0.5f);
        assertTrue(y.sub(afterAdd).abs().max().getFloat() > 1e-2f);
    }

    @Test
    void bottleneckExpandsFourTimesWithSeOnTheOutput() {
        Shape in = new Shape(1, 64, 6, 6);
        Bottleneck block = init(Bottleneck.builder().optAttention(Attention.SE).setInChannels(64).setChannels(16).build(), in);
        assertEquals(64, block.getOutChannels());
        assertEquals((1024 + 64) + (2304 + 64) + (1024 + 256) + 1024, parameterCount(block));
        assertEquals(in, forward(block, random(1, 64, 6, 6), false).getShape());
    }

    @Test
    void stridedBottleneckProjectsItsShortcut() {
        Shape in = new Shape(2, 64, 8, 8);
        Bottleneck block = init(Bottleneck.builder().optAttention(Attention.SE).setInChannels(64).setChannels(32).optStride(2).build(), in);
        assertEquals(new Shape(2, 128, 4, 4), forward(block, random(2, 64, 8, 8), false).getShape());
        assertTrue(block.toString().contains("projection"));
    }

    @Test
    void selectiveKernelReplacesTheFirstConvolution() {
        Shape in = new Shape(2, 16, 8, 8);
        BasicBlock block = init(BasicBlock.builder().setInChannels(16).setChannels(32).optStride(2)
                .optAttention(Attention.NONE).optSelectiveKernel(3, 5).build(), in);
        SequentialBlock residual = (SequentialBlock) block.getChildren().valueAt(0);
        assertTrue(residual.getChildren().valueAt(0) instanceof SelectiveKernel);
        assertEquals(new Shape(2, 32, 4, 4), forward(block, random(2, 16, 8, 8), false).getShape());
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInInference() {
        Shape in = new Shape(8, 3, 6, 6);
        SequentialBlock unit = init(ConvBnAct.of(4).relu(false).build(), in);
        NDArray x = random(8, 3, 6, 6).add(2f);
        NDArray train = forward(unit, x, true);
        NDArray perChannelMean = train.transpose(1, 0, 2, 3).reshape(4, -1).mean(new int[] {1});
        assertTrue(perChannelMean.abs().max().getFloat() < 1e-4f, "training normalises with batch mean");
        NDArray runningMean = param(unit, "02BatchNorm_runningMean");
        assertTrue(runningMean.abs().max().getFloat() > 0f, "training updates the running mean");
        // Inference normalises with the running statistics, so its output is not zero-mean.
        NDArray infer = forward(unit, x, false);
        NDArray inferMean = infer.transpose(1, 0, 2, 3).reshape(4, -1).mean(new int[] {1});
        assertTrue(inferMean.abs().max().getFloat() > 1e-2f);
        assertFalse(train.contentEquals(infer));
    }

    @Test
    void wrongInputChannelsNameTheBlock() {
        BasicBlock block = init(basic(16, 16, 1, true), new Shape(1, 16, 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(block, random(1, 8, 4, 4), false));
        assertTrue(e.getMessage().contains("BasicBlock expects 16 input channels, got 8"), e.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> forward(block, random(16, 4, 4), false));
        assertTrue(rank.getMessage().contains("got rank 3"), rank.getMessage());
    }

    @Test
    void builderAndUnitRejectBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> BasicBlock.builder().setChannels(8).build());
        assertThrows(IllegalArgumentException.class,
                () -> Bottleneck.builder().optAttention(Attention.SE).setInChannels(8).setChannels(8).optStride(0).build());
        assertThrows(IllegalArgumentException.class, () -> ConvBnAct.of(8).kernel(4));
        assertThrows(IllegalArgumentException.class, () -> ConvBnAct.of(8).groups(3));
        assertThrows(IllegalArgumentException.class, () -> ConvBnAct.of(0));
    }

    @Test
    void gradientsReachEveryParameterOfEachBlock() {
        assertGradientsReachEveryParameter(init(basic(8, 16, 2, true), new Shape(4, 8, 6, 6)), random(4, 8, 6, 6));
        assertGradientsReachEveryParameter(
                init(Bottleneck.builder().optAttention(Attention.SE).setInChannels(16).setChannels(8).build(), new Shape(4, 16, 6, 6)),
                random(4, 16, 6, 6));
    }

    @Test
    void basicBlockSavesAndLoads(@TempDir Path dir) throws Exception {
        Shape in = new Shape(2, 8, 6, 6);
        BasicBlock block = init(basic(8, 16, 2, true), in);
        forward(block, random(2, 8, 6, 6), true);
        assertSaveLoadRoundTrip(block, basic(8, 16, 2, true), in, dir);
    }

    @Test
    void bottleneckSavesAndLoads(@TempDir Path dir) throws Exception {
        Shape in = new Shape(2, 32, 6, 6);
        Bottleneck block = init(Bottleneck.builder().optAttention(Attention.SE).setInChannels(32).setChannels(8).build(), in);
        assertSaveLoadRoundTrip(block, Bottleneck.builder().optAttention(Attention.SE).setInChannels(32).setChannels(8).build(), in, dir);
    }

    @Test
    @SuppressWarnings("deprecation") // the deprecated names are what this test is about
    void theDeprecatedSeNamesAreTheNewBlocksWithSeOnUnderTheirOldNames() {
        SequentialBlock old = new SequentialBlock()
                .add(SEBasicBlock.builder().setInChannels(16).setChannels(16).build())
                .add(SEBottleneck.builder().setInChannels(16).setChannels(4).build());
        SequentialBlock now = new SequentialBlock()
                .add(BasicBlock.builder().setInChannels(16).setChannels(16).optAttention(Attention.SE).build())
                .add(Bottleneck.builder().setInChannels(16).setChannels(4).optAttention(Attention.SE).build());
        Shape in = new Shape(1, 16, 8, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            old.initialize(manager, DataType.FLOAT32, in);
            now.initialize(manager, DataType.FLOAT32, in);
            List<String> oldNames = old.getParameters().keys();
            List<String> newNames = now.getParameters().keys();
            assertEquals(oldNames.size(), newNames.size());
            for (int i = 0; i < oldNames.size(); i++) {
                assertEquals(oldNames.get(i).replace("SEBasicBlock", "BasicBlock").replace("SEBottleneck", "Bottleneck"),
                        newNames.get(i));
                assertEquals(old.getParameters().get(i).getValue().getArray().getShape(),
                        now.getParameters().get(i).getValue().getArray().getShape());
            }
            assertTrue(oldNames.get(0).startsWith("01SEBasicBlock_"), oldNames.get(0));
        }
    }
}
