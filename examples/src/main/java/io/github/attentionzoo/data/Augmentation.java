package io.github.attentionzoo.data;

import io.github.attentionzoo.zoo.CifarTranslator;

import java.util.Random;

/**
 * The standard CIFAR training augmentation, done on the raw bytes while they become floats:
 * zero-padding by {@code padding} pixels with a random 32×32 crop, a random horizontal flip, the
 * per-channel normalisation of {@link CifarTranslator}, and optional Cutout (DeVries and Taylor,
 * 2017). {@link #NONE} only normalises, for evaluation.
 */
public final class Augmentation {

    /** No augmentation: normalisation only, for evaluation. */
    public static final Augmentation NONE = new Augmentation(0, false, 0);
    /** The recipe of He et al.: 4-pixel padding, random crop, random flip. */
    public static final Augmentation STANDARD = new Augmentation(4, true, 0);

    private final int padding;
    private final boolean flip;
    private final int cutout;

    /**
     * Creates an augmentation.
     *
     * @param padding pixels of zero padding before the random crop (0: no crop)
     * @param flip whether to flip horizontally with probability 1/2
     * @param cutout side of the square zeroed at a random place (0: no Cutout)
     */
    public Augmentation(int padding, boolean flip, int cutout) {
        if (padding < 0 || cutout < 0) {
            throw new IllegalArgumentException("padding and cutout must be >= 0");
        }
        this.padding = padding;
        this.flip = flip;
        this.cutout = cutout;
    }

    /**
     * Returns this augmentation with Cutout of the given size.
     *
     * @param size the square's side, 0 for none
     * @return a new augmentation
     */
    public Augmentation withCutout(int size) {
        return new Augmentation(padding, flip, size);
    }

    /**
     * Writes one image, augmented and normalised, into {@code out} at {@code offset} (CHW floats).
     *
     * @param src the pixel store
     * @param srcOffset where the image starts in {@code src}
     * @param out the destination
     * @param offset where to write in {@code out}
     * @param rng the random source (unused by {@link #NONE})
     */
    public void apply(byte[] src, int srcOffset, float[] out, int offset, Random rng) {
        final int side = CifarRecords.SIDE;
        int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && rng.nextBoolean();
        float[] mean = CifarTranslator.MEAN;
        float[] std = CifarTranslator.STD;
        for (int c = 0; c < 3; c++) {
            int plane = srcOffset + c * side * side;
            int dst = offset + c * side * side;
            float m = mean[c];
            float inv = 1f / (255f * std[c]);
            float zero = -m / std[c];
            for (int y = 0; y < side; y++) {
                int sy = y + dy;
                for (int x = 0; x < side; x++) {
                    int sx = (mirror ? side - 1 - x : x) + dx;
                    float v;
                    if (sy < 0 || sy >= side || sx < 0 || sx >= side) {
                        v = zero;
                    } else {
                        v = (src[plane + sy * side + sx] & 0xff) * inv - m / std[c];
                    }
                    out[dst + y * side + x] = v;
                }
            }
        }
        if (cutout > 0) {
            int cy = rng.nextInt(side);
            int cx = rng.nextInt(side);
            int y0 = Math.max(0, cy - cutout / 2);
            int y1 = Math.min(side, cy + (cutout + 1) / 2);
            int x0 = Math.max(0, cx - cutout / 2);
            int x1 = Math.min(side, cx + (cutout + 1) / 2);
            for (int c = 0; c < 3; c++) {
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        out[offset + c * side * side + y * side + x] = 0f;
                    }
                }
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "pad" + padding + (flip ? "+flip" : "") + (cutout > 0 ? "+cutout" + cutout : "");
    }
}
