package io.github.attentionzoo.zoo;

import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.ResizeShort;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import ai.djl.translate.Pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The pre- and post-processing the zoo's CIFAR models were trained with: resize the shorter side
 * to the model's input size and center-crop (a no-op for 32×32 CIFAR images), scale to [0, 1],
 * normalise per channel, and report softmax probabilities over the class names.
 */
public final class CifarTranslator {

    /** Per-channel mean of the CIFAR-10 training set (the shared copy's 50,000 images), RGB. */
    public static final float[] MEAN = {0.4913f, 0.4821f, 0.4465f};
    /** Per-channel standard deviation of the CIFAR-10 training set, RGB. */
    public static final float[] STD = {0.2452f, 0.2428f, 0.2606f};
    /** CIFAR-10's class names, in label order. */
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private CifarTranslator() {}

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
     * Returns the preprocessing pipeline for images of any size.
     *
     * @param size the model's input side (32 for CIFAR)
     * @return the pipeline
     */
    public static Pipeline pipeline(int size) {
        return new Pipeline()
                .add(new ResizeShort(size))
                .add(new CenterCrop(size, size))
                .add(new ToTensor())
                .add(new Normalize(MEAN, STD));
    }

    /**
     * Builds the image classification translator.
     *
     * @param size the model's input side
     * @param synset the class names
     * @param topK how many classes a result lists
     * @return the translator
     */
    public static ImageClassificationTranslator build(int size, List<String> synset, int topK) {
        return ImageClassificationTranslator.builder()
                .setPipeline(pipeline(size))
                .optSynset(synset)
                .optApplySoftmax(true)
                .optTopK(topK)
                .build();
    }
}
