package io.github.attentionzoo.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqueezeExcitationTest extends LayerTestSupport {

    private static float sigmoid(double v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    /** Input [1, 2, 2, 2]: channel 0 = {1, 2, 3, 6}, channel 1 = {0, 0, 0, 8}. */
    private NDArray handInput() {
        return manager.create(new float[] {1, 2, 3, 6, 0, 0, 0, 8}, new Shape(1, 2, 2, 2));
    }

    /** C = 2, hidden 1: fc1 = [1, -1], fc2 = [[2], [-1]]. */
    private SqueezeExcitation handLayer(Squeeze squeeze) {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(2).optReduction(2).optMinHidden(1)
                .optSqueeze(squeeze).build(), new Shape(1, 2, 2, 2));
        param(se, "01fc1_weight").set(new float[] {1f, -1f});
        param(se, "02fc2_weight").set(new float[] {2f, -1f});
        return se;
    }

    @Test
    void averageSqueezeMatchesHandComputation() {
        // avg: s = (3, 2); z = relu(3 - 2) = 1; gates = sigmoid(2), sigmoid(-1).
        NDArray y = forward(handLayer(Squeeze.AVG), handInput(), false);
        float g0 = sigmoid(2);
        float g1 = sigmoid(-1);
        assertArrayEquals(new float[] {g0, 2 * g0, 3 * g0, 6 * g0, 0, 0, 0, 8 * g1}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void maxSqueezeMatchesHandComputationAndDiffersFromAverage() {
        // max: s = (6, 8); z = relu(6 - 8) = 0; gates = sigmoid(0) = 0.5 for both channels.
        NDArray x = handInput();
        NDArray max = forward(handLayer(Squeeze.MAX), x, false);
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 3f, 0, 0, 0, 4f}, max.toFloatArray(), 1e-6f);
        NDArray avg = forward(handLayer(Squeeze.AVG), x, false);
        assertTrue(max.sub(avg).abs().max().getFloat() > 0.1f);
    }

    @Test
    void gatesLieStrictlyBetweenZeroAndOne() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(32).build(), new Shape(4, 32, 5, 5));
        NDArray g = se.gates(new ParameterStore(manager, false), random(4, 32, 5, 5).mul(10), false);
        assertEquals(new Shape(4, 32), g.getShape());
        assertTrue(g.min().getFloat() > 0f && g.max().getFloat() < 1f);
    }

    @Test
    void hardSigmoidGateIsReluSixOfXPlusThreeOverSix() {
        SqueezeExcitation se = handLayer(Squeeze.AVG);
        SqueezeExcitation hard = init(SqueezeExcitation.builder().setChannels(2).optReduction(2).optMinHidden(1)
                .optGate(Gate.HARD_SIGMOID).build(), new Shape(1, 2, 2, 2));
        param(hard, "01fc1_weight").set(new float[] {1f, -1f});
        param(hard, "02fc2_weight").set(new float[] {2f, -1f});
        NDArray y = forward(hard, handInput(), false);
        // logits 2 and -1: hard sigmoid gives 5/6 and 2/6.
        assertArrayEquals(new float[] {5 / 6f, 10 / 6f, 15 / 6f, 30 / 6f, 0, 0, 0, 16 / 6f}, y.toFloatArray(), 1e-6f);
        assertTrue(se.toString().contains("SIGMOID"));
    }

    @Test
    void outputKeepsTheInputShape() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(16).build(), new Shape(3, 16, 7, 9));
        assertEquals(new Shape(3, 16, 7, 9), forward(se, random(3, 16, 7, 9), false).getShape());
        assertEquals(new Shape(3, 16, 7, 9), se.getOutputShapes(new Shape[] {new Shape(3, 16, 7, 9)})[0]);
    }

    @Test
    void hiddenWidthNeverCollapses() {
        assertEquals(8, SqueezeExcitation.hiddenWidth(16, 16, 8));
        assertEquals(1, SqueezeExcitation.hiddenWidth(16, 16, 1));
        assertEquals(4, SqueezeExcitation.hiddenWidth(64, 16, 1));
        assertEquals(16, SqueezeExcitation.hiddenWidth(256, 16, 8));
        assertEquals(4, SqueezeExcitation.hiddenWidth(4, 16, 8), "never wider than the channels");
        assertEquals(8, SqueezeExcitation.builder().setChannels(16).build().getHidden());
    }

    @Test
    void parameterCountIsTwoMatricesWithOptionalBiases() {
        SqueezeExcitation plain = init(SqueezeExcitation.builder().setChannels(64).build(), new Shape(1, 64, 4, 4));
        assertEquals(2 * 64 * 8, parameterCount(plain));
        SqueezeExcitation biased = init(SqueezeExcitation.builder().setChannels(64).optBias(true).build(),
                new Shape(1, 64, 4, 4));
        assertEquals(2 * 64 * 8 + 8 + 64, parameterCount(biased));
    }

    @Test
    void wrongRankIsRejectedWithExpectedAndActual() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(8).build(), new Shape(1, 8, 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(se, random(2, 8), false));
        assertTrue(e.getMessage().contains("rank-4") && e.getMessage().contains("got rank 2"), e.getMessage());
    }

    @Test
    void wrongChannelCountIsRejectedWithExpectedAndActual() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(8).build(), new Shape(1, 8, 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(se, random(1, 4, 4, 4), false));
        assertTrue(e.getMessage().contains("expects 8 input channels, got 4"), e.getMessage());
    }

    @Test
    void integerInputIsRejected() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(2).build(), new Shape(1, 2, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(se, manager.ones(new Shape(1, 2, 2, 2)).toType(ai.djl.ndarray.types.DataType.INT32, false), false));
        assertTrue(e.getMessage().contains("floating-point"), e.getMessage());
    }

    @Test
    void builderRejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> SqueezeExcitation.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> SqueezeExcitation.builder().setChannels(8).optReduction(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> SqueezeExcitation.builder().setChannels(8).optMinHidden(0).build());
    }

    @Test
    void gradientsReachBothLayers() {
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(8).optBias(true).build(),
                new Shape(2, 8, 4, 4));
        assertGradientsReachEveryParameter(se, random(2, 8, 4, 4));
    }

    @Test
    void saveAndLoadGiveIdenticalOutputs(@TempDir Path dir) throws Exception {
        Shape in = new Shape(2, 16, 4, 4);
        SqueezeExcitation se = init(SqueezeExcitation.builder().setChannels(16).optBias(true).build(), in);
        assertSaveLoadRoundTrip(se, SqueezeExcitation.builder().setChannels(16).optBias(true).build(), in, dir);
    }
}
