package io.github.attentionzoo.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SelectiveKernelTest extends LayerTestSupport {

    private NDList branchesAndWeights(SelectiveKernel sk, NDArray x) {
        return sk.branchesAndWeights(new ParameterStore(manager, false), x, false, null);
    }

    @Test
    void branchWeightsSumToOnePerChannelAcrossBranches() {
        Shape in = new Shape(3, 16, 8, 8);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(16).optKernels(1, 3, 5, 7).build(), in);
        NDArray w = branchesAndWeights(sk, random(3, 16, 8, 8)).get(1);
        assertEquals(new Shape(3, 4, 16), w.getShape());
        NDArray sums = w.sum(new int[] {1});
        assertTrue(sums.sub(1f).abs().max().getFloat() < 1e-5f, "weights must sum to 1 over branches");
        // The softmax runs across branches, not across channels.
        assertTrue(w.sum(new int[] {2}).sub(1f).abs().max().getFloat() > 0.5f);
    }

    @Test
    void outputIsTheWeightedSumOfBranches() {
        Shape in = new Shape(2, 8, 6, 6);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).build(), in);
        NDArray x = random(2, 8, 6, 6);
        NDList bw = branchesAndWeights(sk, x);
        NDArray feats = bw.get(0);
        NDArray w = bw.get(1);
        NDArray expected = manager.zeros(new Shape(2, 8, 6, 6));
        for (int k = 0; k < 2; k++) {
            NDArray wk = w.get(new NDIndex(":, {}, :", k)).reshape(2, 8, 1, 1);
            expected = expected.add(feats.get(new NDIndex(":, {}", k)).mul(wk));
        }
        NDArray y = forward(sk, x, false);
        assertTrue(y.sub(expected).abs().max().getFloat() < 1e-5f);
    }

    @Test
    void seedKernelsOneToSevenKeepTheShape() {
        Shape in = new Shape(2, 32, 9, 9);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(32).optKernels(1, 3, 5, 7)
                .optConvBias(true).optFuseNormAct(false).build(), in);
        assertEquals(in, forward(sk, random(2, 32, 9, 9), false).getShape());
        assertEquals(in, sk.getOutputShapes(new Shape[] {in})[0]);
    }

    @Test
    void strideAndWidthChangeReplaceAStridedConvolution() {
        Shape in = new Shape(2, 16, 8, 8);
        SelectiveKernel sk = init(SelectiveKernel.builder().optInChannels(16).setChannels(32).optStride(2).build(), in);
        assertEquals(new Shape(2, 32, 4, 4), forward(sk, random(2, 16, 8, 8), false).getShape());
        assertEquals(new Shape(2, 32, 4, 4), sk.getOutputShapes(new Shape[] {in})[0]);
    }

    @Test
    void parameterCountFollowsThePaper() {
        // C = 8, kernels 3 and 5: convs 8·8·9 + 8·8·25, BN 4·8 each (with running stats),
        // fc 8→32 without bias + BN(32), two selectors 32→8 with bias.
        Shape in = new Shape(1, 8, 6, 6);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).build(), in);
        assertEquals(32, sk.getHidden());
        assertEquals(576 + 32 + 1600 + 32 + 256 + 128 + 2 * (256 + 8), parameterCount(sk));
    }

    @Test
    void dilatedBranchesCostAThreeByThree() {
        Shape in = new Shape(1, 8, 6, 6);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).optDilated(true).build(), in);
        assertEquals(2 * (576 + 32) + 256 + 128 + 2 * (256 + 8), parameterCount(sk));
        assertEquals(new Shape(1, 8, 6, 6), forward(sk, random(1, 8, 6, 6), false).getShape());
    }

    @Test
    void hiddenWidthIsMaxOfLAndChannelsOverR() {
        assertEquals(32, SelectiveKernel.builder().setChannels(64).build().getHidden());
        assertEquals(64, SelectiveKernel.builder().setChannels(1024).build().getHidden());
        assertEquals(16, SelectiveKernel.builder().setChannels(64).optMinHidden(16).optReduction(8).build().getHidden());
    }

    @Test
    void groupedBranchesWork() {
        Shape in = new Shape(1, 16, 5, 5);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(16).optGroups(4).build(), in);
        assertEquals(in, forward(sk, random(1, 16, 5, 5), false).getShape());
        // Grouped convs hold a quarter of the weights: 16·4·9 and 16·4·25, then BN(16) each,
        // fc 16→32 + BN(32), two selectors 32→16 with bias.
        assertEquals(576 + 64 + 1600 + 64 + 512 + 128 + 2 * (512 + 16), parameterCount(sk));
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SelectiveKernel.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> SelectiveKernel.builder().setChannels(8).optKernels(3, 4).build());
        assertThrows(IllegalArgumentException.class,
                () -> SelectiveKernel.builder().setChannels(8).optKernels().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveKernel.builder().setChannels(8).optGroups(3).build());
        assertTrue(e.getMessage().contains("groups (3)"), e.getMessage());
    }

    @Test
    void wrongChannelCountIsRejected() {
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).build(), new Shape(1, 8, 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(sk, random(1, 3, 4, 4), false));
        assertTrue(e.getMessage().contains("SelectiveKernel expects 8 input channels, got 3"), e.getMessage());
    }

    @Test
    void gradientsReachEveryParameter() {
        Shape in = new Shape(4, 8, 6, 6);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).optKernels(3, 5).build(), in);
        assertGradientsReachEveryParameter(sk, random(4, 8, 6, 6));
    }

    @Test
    void saveAndLoadGiveIdenticalOutputs(@TempDir Path dir) throws Exception {
        Shape in = new Shape(2, 8, 6, 6);
        SelectiveKernel sk = init(SelectiveKernel.builder().setChannels(8).optKernels(1, 3, 5).build(), in);
        assertSaveLoadRoundTrip(sk, SelectiveKernel.builder().setChannels(8).optKernels(1, 3, 5).build(), in, dir);
    }
}
