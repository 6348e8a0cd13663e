package io.github.attentionzoo.zoo;

import java.util.Locale;
import java.util.Map;

/**
 * Flip test-time augmentation on plain arrays: each image is classified together with its mirror
 * image and the two logits are averaged. It works on the floats a translator or a data loader
 * already holds, so it runs on every engine (ONNX Runtime's arrays cannot flip themselves). It is
 * off unless asked for: it halves the images per second. It sends twice the images in a batch, so
 * an {@code .onnx} of your own needs a free batch axis (the project's exports have one).
 */
public final class FlipAveraging {

    /** The translator argument that turns it on: {@code tta=flip} ({@code none} by default). */
    public static final String ARGUMENT = "tta";

    private FlipAveraging() {}

    /**
     * Reads the {@value #ARGUMENT} argument of a translator.
     *
     * @param arguments the translator's arguments
     * @return whether flip averaging is asked for
     * @throws IllegalArgumentException when the value is neither {@code none} nor {@code flip}
     */
    public static boolean requested(Map<String, ?> arguments) {
        Object value = arguments == null ? null : arguments.get(ARGUMENT);
        return value != null && parse(value.toString(), ARGUMENT);
    }

    /**
     * Reads a test-time augmentation's name as users give it.
     *
     * @param value {@code none} or {@code flip}
     * @param option what named it, for the message
     * @return whether it is {@code flip}
     * @throws IllegalArgumentException naming {@code option} for any other value
     */
    public static boolean parse(String value, String option) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "flip":
                return true;
            case "none":
                return false;
            default:
                throw new IllegalArgumentException(option + ": use none or flip, got '" + value + "'");
        }
    }

    /**
     * Returns a batch followed by its mirror images: {@code 2n} images of [channels, height, width].
     *
     * @param batch {@code n} images, channel planes in rows
     * @param n the images
     * @param width the images' width (each row is mirrored)
     * @return the {@code 2n} images
     */
    public static float[] withMirrors(float[] batch, int n, int width) {
        if (width <= 0 || batch.length % width != 0 || n <= 0 || batch.length % n != 0
                || batch.length > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("a batch of " + n + " images of width " + width + " cannot have "
                    + batch.length + " values");
        }
        float[] out = java.util.Arrays.copyOf(batch, batch.length * 2);
        for (int row = 0; row < batch.length / width; row++) {
            int from = row * width;
            int to = batch.length + from;
            for (int x = 0; x < width; x++) {
                out[to + x] = batch[from + width - 1 - x];
            }
        }
        return out;
    }

    /**
     * Averages the logits of {@link #withMirrors}' batch back to one row an image.
     *
     * @param logits {@code 2n} rows of {@code classes}
     * @param n the images
     * @param classes the values a row
     * @return {@code n} rows
     */
    public static float[] average(float[] logits, int n, int classes) {
        if (logits.length != 2L * n * classes) {
            throw new IllegalArgumentException("expected " + 2L * n * classes + " logits for " + n
                    + " images and their mirrors, got " + logits.length);
        }
        float[] out = new float[n * classes];
        int half = n * classes;
        for (int i = 0; i < half; i++) {
            out[i] = (logits[i] + logits[half + i]) / 2;
        }
        return out;
    }
}
