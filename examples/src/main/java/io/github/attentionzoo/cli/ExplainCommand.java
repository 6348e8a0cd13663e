package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.explain.Explainer;
import io.github.attentionzoo.explain.ExplanationFiles;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code explain}: the SE gates and SK branch weights a model computed. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Record SE gates and SK branch weights: per image (JSON, CSV, heatmap) or, with --per-class,"
                + " the mean gate per class over a data set (CSV and the SE paper's excitation figure).")
final class ExplainCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "PNG or JPEG files.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--data", description = "With --per-class: CIFAR-10 directory/archive or 'embedded'.")
    String data;

    @Option(names = "--per-class", description = "Mean SE gate per class over the test set of --data.")
    boolean perClass;

    @Option(names = "--output", description = "Output directory (default: explain).")
    Path output = Path.of("explain");

    @Override
    public Integer call() throws Exception {
        if (!perClass && images.isEmpty()) {
            throw new IllegalArgumentException("give IMAGE files, or --per-class with --data");
        }
        if (perClass && data == null) {
            throw new IllegalArgumentException("--per-class needs --data (a CIFAR-10 directory or 'embedded')");
        }
        ModelDescription metadata = source.metadata();
        OutputGuard.notAnInput(output, "--output", source.directory());
        List<String> stems = ExplanationFiles.stems(images);
        for (int i = 0; i < images.size(); i++) {
            for (String ext : new String[] {".json", ".csv", ".png"}) {
                OutputGuard.notAnInput(output.resolve(stems.get(i) + ext), "--output", images.toArray(new Path[0]));
            }
        }
        Files.createDirectories(output);
        try (Model model = source.load()) {
            ExplanationFiles files = new ExplanationFiles(new Explainer(model, metadata.inputSize()),
                    CifarTranslatorFactory.synset(model), output);
            for (int i = 0; i < images.size(); i++) {
                System.out.println(files.image(images.get(i), stems.get(i)));
            }
            if (perClass) {
                System.out.print(files.perClass(CifarSource.split(data, false), CifarSource.describe(data)));
            }
        }
        return 0;
    }
}
