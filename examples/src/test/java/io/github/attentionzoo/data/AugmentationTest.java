package io.github.attentionzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.github.attentionzoo.zoo.CifarTranslator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class AugmentationTest {

    private static final int PLANE = 32 * 32;

    private static float normalized(int value, int channel) {
        return (value / 255f - CifarTranslator.MEAN[channel]) / CifarTranslator.STD[channel];
    }

    @Test
    void noneOnlyNormalises() {
        byte[] img = CifarRecordsTest.records(1);
        float[] out = new float[3 * PLANE];
        Augmentation.NONE.apply(img, 1, out, 0, new Random(1));
        for (int c = 0; c < 3; c++) {
            assertEquals(normalized(img[1 + c * PLANE + 77] & 0xff, c), out[c * PLANE + 77], 1e-5f);
        }
    }

    @Test
    void standardKeepsShapeAndTheNormalisedRange() {
        byte[] img = CifarRecordsTest.records(1);
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (int c = 0; c < 3; c++) {
            lo = Math.min(lo, normalized(0, c));
            hi = Math.max(hi, normalized(255, c));
        }
        Random rng = new Random(7);
        boolean changed = false;
        float[] plain = new float[3 * PLANE];
        Augmentation.NONE.apply(img, 1, plain, 0, rng);
        for (int trial = 0; trial < 20; trial++) {
            float[] out = new float[3 * PLANE];
            Augmentation.STANDARD.withCutout(8).apply(img, 1, out, 0, rng);
            for (float v : out) {
                assertTrue(v >= lo - 1e-5f && v <= hi + 1e-5f, "value " + v + " outside the normalised range");
            }
            changed |= !java.util.Arrays.equals(out, plain);
        }
        assertTrue(changed, "random crops and flips must change the image");
    }

    @Test
    void flipMirrorsRows() {
        byte[] img = CifarRecordsTest.records(1);
        Augmentation flipOnly = new Augmentation(0, true, 0);
        float[] plain = new float[3 * PLANE];
        Augmentation.NONE.apply(img, 1, plain, 0, null);
        Random rng = new Random(3);
        for (int trial = 0; trial < 10; trial++) {
            float[] out = new float[3 * PLANE];
            flipOnly.apply(img, 1, out, 0, rng);
            boolean same = java.util.Arrays.equals(out, plain);
            boolean mirrored = out[5 * 32] == plain[5 * 32 + 31] && out[5 * 32 + 31] == plain[5 * 32];
            assertTrue(same || mirrored);
        }
    }

    @Test
    void batchesAreReproducibleFromTheSeedAndCoverTheSet() {
        CifarRecords records = CifarRecords.parse(CifarRecordsTest.records(50), "x");
        try (NDManager manager = NDManager.newBaseManager()) {
            List<float[]> first = new ArrayList<>();
            float labelSum = 0;
            BatchLoader loader = new BatchLoader(records, manager, 16, true, false, Augmentation.STANDARD, 99);
            assertEquals(4, loader.numBatches());
            for (Batch b : loader) {
                try (b) {
                    assertEquals(4, b.getData().head().getShape().dimension());
                    first.add(b.getData().head().toFloatArray());
                    for (float l : b.getLabels().head().toFloatArray()) {
                        labelSum += l;
                    }
                }
            }
            assertEquals(50 / 10 * 45, labelSum, 1e-3, "every image exactly once");
            int i = 0;
            for (Batch b : new BatchLoader(records, manager, 16, true, false, Augmentation.STANDARD, 99)) {
                try (b) {
                    assertArrayEquals(first.get(i++), b.getData().head().toFloatArray());
                }
            }
            Batch other = new BatchLoader(records, manager, 16, true, false, Augmentation.STANDARD, 100).iterator().next();
            assertFalse(java.util.Arrays.equals(first.get(0), other.getData().head().toFloatArray()));
            other.close();
        }
    }
}
