package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.data.ImageFolder;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.train.ConfusionPlot;
import io.github.attentionzoo.train.Evaluation;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.FlipAveraging;
import io.github.attentionzoo.zoo.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code evaluate}: test accuracy, per-class accuracy and the confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Test accuracy of a model on CIFAR-10, per class, with a confusion matrix (table and PNG).")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin EngineOption engine;

    @Mixin PrecisionOption precision;

    @Option(names = "--data", description = "CIFAR-10 directory or archive, 'embedded', or an image folder of class"
            + " sub-directories named after the model's classes (default: DJL download if online, else embedded).")
    String data;

    @Option(names = "--batch-size", description = "Images per batch (default 256).")
    int batchSize = 256;

    @Option(names = "--output", description = "Directory for confusion.png and confusion.csv (default: none).")
    Path output;

    @Option(names = "--tta", paramLabel = "none|flip", description = "Test-time augmentation: flip averages each"
            + " image's logits with its mirror image's, at half the speed (default: none).")
    String tta = "none";

    @Override
    public Integer call() throws Exception {
        if (output != null) {
            OutputGuard.notAnInput(output, "--output", source.directory());
        }
        boolean flip = FlipAveraging.parse(tta, "--tta");
        ModelDescription metadata = source.metadata();
        long[][] m;
        List<String> classes;
        String described;
        try (Model model = source.load(engine, precision)) {
            classes = CifarTranslatorFactory.synset(model);
            CifarRecords test;
            if (data != null && !data.equals(CifarSource.EMBEDDED) && ImageFolder.looksLikeImageFolder(Path.of(data))) {
                test = ImageFolder.forClasses(Path.of(data), classes, metadata.inputSize());
                described = "image folder " + data;
            } else {
                if (classes.size() != CifarRecords.NUM_CLASSES) {
                    throw new IllegalArgumentException("--data: " + source.describe() + " has " + classes.size()
                            + " classes, so it is scored on an image folder of its classes (DIR/<class>/*.png), not"
                            + " on CIFAR-10");
                }
                test = CifarSource.split(data, false);
                described = CifarSource.describe(data);
            }
            m = Evaluation.confusion(model, test, batchSize, classes.size(), flip);
        }
        long n = java.util.Arrays.stream(m).flatMapToLong(java.util.Arrays::stream).sum();
        System.out.printf(Locale.ROOT, "evaluated on %d images (%s) on %s%s%s%n", n, described, engine.name(),
                precision.get(engine) == io.github.attentionzoo.zoo.Precision.INT8 ? " in int8" : "",
                flip ? ", each averaged with its mirror image" : "");
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-12s", "true\\pred"));
        for (String c : classes) {
            table.append(String.format(Locale.ROOT, "%6.5s", c));
        }
        table.append("  accuracy\n");
        for (int t = 0; t < m.length; t++) {
            long row = 0;
            table.append(String.format(Locale.ROOT, "%-12.12s", classes.get(t)));
            for (int p = 0; p < m.length; p++) {
                table.append(String.format(Locale.ROOT, "%6d", m[t][p]));
                row += m[t][p];
            }
            table.append(row == 0 ? "  no images\n" : String.format(Locale.ROOT, "  %.4f%n", m[t][t] / (double) row));
        }
        System.out.print(table);
        System.out.printf(Locale.ROOT, "accuracy: %.4f%n", Evaluation.accuracy(m));
        if (output != null) {
            Files.createDirectories(output);
            StringBuilder csv = new StringBuilder("true," + String.join(",", classes) + "\n");
            for (int t = 0; t < m.length; t++) {
                csv.append(classes.get(t));
                for (long v : m[t]) {
                    csv.append(',').append(v);
                }
                csv.append('\n');
            }
            AtomicFiles.write(output.resolve("confusion.csv"),
                    out -> out.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ConfusionPlot.write(m, classes, output.resolve("confusion.png"));
            System.out.println("wrote " + output.resolve("confusion.csv") + " and " + output.resolve("confusion.png"));
        }
        return 0;
    }
}
