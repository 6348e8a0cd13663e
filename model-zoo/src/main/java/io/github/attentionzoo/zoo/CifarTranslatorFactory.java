package io.github.attentionzoo.zoo;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.translator.ImageClassificationTranslatorFactory;
import ai.djl.translate.Translator;
import io.github.attentionzoo.engine.EngineSetup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The translator factory of every zoo model: {@code Image → Classifications} with {@link
 * CifarTranslator}'s preprocessing, and through DJL's expansions {@code Input → Output} (image
 * bytes in, JSON classifications out), which is how DJL Serving calls a model. The class names
 * come from the model directory's {@code synset.txt}, else CIFAR-10's.
 */
public class CifarTranslatorFactory extends ImageClassificationTranslatorFactory {

    private static final long serialVersionUID = 1L;

    /** {@inheritDoc} */
    @Override
    protected Translator<Image, Classifications> buildBaseTranslator(Model model, Map<String, ?> arguments) {
        // The one hook of ours on every load, DJL's own included (djl:// URLs, DJL Serving).
        EngineSetup.prepare(model.getNDManager().getEngine());
        describeFromDirectory(model);
        int size = Architectures.intArg(arguments, "input_size", inputSize(model), ModelDescription.MAX_INPUT_SIZE);
        int topK = Architectures.intArg(arguments, "topK", 5, Architectures.MAX_CLASSES);
        return CifarTranslator.build(size, synset(model), topK, FlipAveraging.requested(arguments));
    }

    /**
     * Gives a model that DJL loaded by itself (DJL Serving, or Criteria on ONNX Runtime, where no
     * block factory of ours runs) the input size and class count its directory's metadata states;
     * on ONNX Runtime, the {@code .onnx} is first checked to be the model that metadata describes,
     * as {@link ModelDirectory#load} checks it.
     */
    private static void describeFromDirectory(Model model) {
        Path dir = model.getModelPath();
        if (model.getProperty("attentionzoo.input_size") == null && dir != null
                && Files.isRegularFile(dir.resolve(ModelDirectory.METADATA))) {
            try {
                ModelDirectory opened = ModelDirectory.open(dir);
                if (ModelDirectory.ONNX_RUNTIME.equals(model.getNDManager().getEngine().getEngineName())) {
                    Path onnx = opened.onnxFile(Precision.FP32);
                    if (onnx != null) {
                        OnnxChecks.check(model, onnx, opened.metadata());
                    }
                }
                ModelDirectory.describe(model, opened.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int inputSize(Model model) {
        String size = model.getProperty("attentionzoo.input_size");
        return size == null ? 32 : Integer.parseInt(size);
    }

    /**
     * Returns the class names of a model: its directory's synset, else CIFAR-10's when it has ten
     * outputs, else {@code class_0 ... class_n}.
     *
     * @param model the model
     * @return the names
     */
    public static List<String> synset(Model model) {
        Path dir = model.getModelPath();
        String classes = model.getProperty("attentionzoo.num_classes");
        Path file = dir == null ? null : dir.resolve(ModelDirectory.SYNSET);
        if (file != null && Files.exists(file)) {
            return ClassNames.read(file, classes == null ? -1 : Integer.parseInt(classes));
        }
        return CifarTranslator.defaultSynset(classes == null ? 10 : Integer.parseInt(classes));
    }
}
