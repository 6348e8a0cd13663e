package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import io.github.attentionzoo.data.Images;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code predict}: top-5 classes for image files. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Top-5 classes for image files.")
final class PredictCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin EngineOption engine;

    @Mixin PrecisionOption precision;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG, JPEG, BMP or GIF files, or directories of them.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        List<Path> files = Images.expand(images);
        ModelDescription metadata = source.metadata();
        try (Model model = source.load(engine, precision);
                Predictor<Image, Classifications> predictor = model.newPredictor(
                        CifarTranslator.build(metadata.inputSize(), source.opened().classNames(), 5))) {
            for (Path file : files) {
                Image image = Images.read(file, io.github.attentionzoo.io.ImageDecoder.decodeSide(metadata.inputSize()));
                Classifications result = predictor.predict(image);
                System.out.println(file + ":");
                for (Classifications.Classification c : result.topK(5)) {
                    System.out.printf(Locale.ROOT, "  %-12s %.4f%n", c.getClassName(), c.getProbability());
                }
            }
        }
        return 0;
    }
}
