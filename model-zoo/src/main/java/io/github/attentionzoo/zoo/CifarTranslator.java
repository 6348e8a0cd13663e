package io.github.attentionzoo.zoo;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.awt.image.BufferedImage;
import java.util.List;



/**
 * The pre- and post-processing the zoo's CIFAR models were trained with: resize the shorter side
 * to the model's input size and center-crop (a no-op for 32×32 CIFAR images), scale to [0, 1],
 * normalise per channel, and report softmax probabilities over the class names.
 *
 * <p>The translator does all of it in plain Java on the image's pixels and the output's floats, and
 * batches in Java too: it asks the engine for nothing but creating the input array and running the
 * network, so the same translator runs on PyTorch and on ONNX Runtime, whose engine lacks the
 * NDArray operations DJL's own image translator would use (and would start libtorch for them).
 */
public final class CifarTranslator implements Translator<Image, Classifications> {

    /** Per-channel mean of the CIFAR-10 training set (the official 50,000 images), RGB. */
    public static final float[] MEAN = {0.4913f, 0.4821f, 0.4465f};
    /** Per-channel standard deviation of the CIFAR-10 training set, RGB. */
    public static final float[] STD = {0.2452f, 0.2428f, 0.2606f};
    /** CIFAR-10's class names, in label order. */
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private final int size;
    private final List<String> synset;
    private final int topK;
    private final boolean flip;

    private CifarTranslator(int size, List<String> synset, int topK, boolean flip) {
        this.size = size;
        this.synset = List.copyOf(synset);
        this.topK = topK;
        this.flip = flip;
    }

    /**
     * Returns class names for a model with {@code n} outputs: CIFAR-10's for ten, else
     * {@code class_0 ... class_(n-1)}.
     *
     * @param n the number of classes
     * @return the names
     */
    public static List<String> defaultSynset(int n) {
        if (n == CLASSES.size()) {
            return CLASSES;
        }
        List<String> names = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("class_" + i);
        }
        return names;
    }

    /**
     * Builds the image classification translator.
     *
     * @param size the model's input side
     * @param synset the class names
     * @param topK how many classes a result lists
     * @return the translator
     */
    public static CifarTranslator build(int size, List<String> synset, int topK) {
        return build(size, synset, topK, false);
    }

    /**
     * Builds the image classification translator, with or without flip test-time augmentation
     * ({@link FlipAveraging}: each image's logits averaged with its mirror image's).
     *
     * @param size the model's input side
     * @param synset the class names
     * @param topK how many classes a result lists
     * @param flip whether to average each image with its mirror image
     * @return the translator
     */
    public static CifarTranslator build(int size, List<String> synset, int topK, boolean flip) {
        return new CifarTranslator(size, synset, topK, flip);
    }

    /**
     * Returns an image as the network's input, [3, size, size] normalised floats in RGB planes:
     * the shorter side resized to {@code size}, then the centre cropped.
     *
     * @param image the image
     * @param size the model's input side
     * @return the {@code 3 * size * size} values
     */
    public static float[] pixels(Image image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        Image scaled = image;
        if (Math.min(w, h) != size) {
            int nw = w <= h ? size : Math.max(size, Math.round((float) w * size / h));
            int nh = h <= w ? size : Math.max(size, Math.round((float) h * size / w));
            scaled = image.resize(nw, nh, true);
        }
        if (scaled.getWidth() != size || scaled.getHeight() != size) {
            scaled = scaled.getSubImage((scaled.getWidth() - size) / 2, (scaled.getHeight() - size) / 2, size, size);
        }
        float[] out = new float[3 * size * size];
        int plane = size * size;
        if (scaled.getWrappedImage() instanceof BufferedImage b) {
            int[] argb = b.getRGB(0, 0, size, size, null, 0, size);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[i] = ((p >> 16 & 0xff) / 255f - MEAN[0]) / STD[0];
                out[plane + i] = ((p >> 8 & 0xff) / 255f - MEAN[1]) / STD[1];
                out[2 * plane + i] = ((p & 0xff) / 255f - MEAN[2]) / STD[2];
            }
            return out;
        }
        // Another image factory (OpenCV): its pixels as HWC bytes, through whatever manager it has.
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] hwc = scaled.toNDArray(manager, Image.Flag.COLOR).toByteArray();
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    out[c * plane + i] = ((hwc[3 * i + c] & 0xff) / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        return batch(ctx, pixels(input, size), 1);
    }

    /** {@inheritDoc} */
    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        return classify(logits(list, 1), 0);
    }

    /** The network's input for {@code n} images, with their mirror images after them where asked. */
    private NDList batch(TranslatorContext ctx, float[] images, int n) {
        float[] values = flip ? FlipAveraging.withMirrors(images, n, size) : images;
        return new NDList(ctx.getNDManager().create(values, new Shape(flip ? 2L * n : n, 3, size, size)));
    }

    /** One row of logits an image, each averaged with its mirror image's where asked. */
    private float[] logits(NDList list, int n) {
        float[] logits = list.head().toFloatArray();
        return flip ? FlipAveraging.average(logits, n, synset.size()) : logits;
    }

    /** {@inheritDoc} */
    @Override
    public Batchifier getBatchifier() {
        // processInput already gives a batch of one, and batchProcessInput builds whole batches.
        return null;
    }

    /** {@inheritDoc} */
    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<Image> inputs) {
        int n = size * size * 3;
        float[] batch = new float[inputs.size() * n];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(pixels(inputs.get(i), size), 0, batch, i * n, n);
        }
        return batch(ctx, batch, inputs.size());
    }

    /** {@inheritDoc} */
    @Override
    public List<Classifications> batchProcessOutput(TranslatorContext ctx, NDList list) {
        int rows = (int) (list.head().size() / synset.size() / (flip ? 2 : 1));
        float[] logits = logits(list, rows);
        List<Classifications> out = new java.util.ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(classify(logits, r));
        }
        return out;
    }

    /** Softmax over one row of logits, in double so that large logits cannot overflow. */
    private Classifications classify(float[] logits, int row) {
        int k = synset.size();
        if (logits.length < (row + 1) * k) {
            throw new IllegalStateException("the model gave " + logits.length + " outputs, fewer than its "
                    + k + " class names");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, logits[row * k + i]);
        }
        double sum = 0;
        double[] e = new double[k];
        for (int i = 0; i < k; i++) {
            e[i] = Math.exp(logits[row * k + i] - max);
            sum += e[i];
        }
        List<Double> probabilities = new java.util.ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            probabilities.add(e[i] / sum);
        }
        Classifications c = new Classifications(synset, probabilities);
        c.setTopK(topK);
        return c;
    }
}
