package io.github.attentionzoo.app;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.util.function.BiFunction;

/**
 * Translators with no pre- or post-processing, for code that times or scores a network through a
 * {@code Predictor} on any engine: arrays in, the network's first output back as floats. The
 * prediction's own manager frees the input and every intermediate when the call returns.
 */
public final class RawTranslators {

    private RawTranslators() {}

    /**
     * Returns a translator taking a batch as floats of a fixed shape.
     *
     * @param shape the batch's shape
     * @return the translator
     */
    public static Translator<float[], float[]> floats(Shape shape) {
        return of((ctx, input) -> new NDList(ctx.getNDManager().create(input, shape)));
    }

    /**
     * Returns a translator taking a batch already in arrays (a data loader's).
     *
     * @return the translator
     */
    public static Translator<NDList, float[]> logits() {
        return of((ctx, input) -> input);
    }

    private static <I> Translator<I, float[]> of(BiFunction<TranslatorContext, I, NDList> in) {
        return new Translator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, I input) {
                return in.apply(ctx, input);
            }

            @Override
            public float[] processOutput(TranslatorContext ctx, NDList list) {
                return list.head().toFloatArray();
            }

            @Override
            public Batchifier getBatchifier() {
                return null;
            }
        };
    }
}
