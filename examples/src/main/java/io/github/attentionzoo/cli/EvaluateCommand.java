package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.train.Evaluation;
import io.github.attentionzoo.zoo.CifarTranslator;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code evaluate}: test accuracy, per-class accuracy and the confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Test accuracy of a model on CIFAR-10, per class, with a confusion matrix (table and PNG).")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Option(names = "--data", description = "CIFAR-10 directory or archive, or 'embedded' (default: DJL download if online, else embedded).")
    String data;

    @Option(names = "--batch-size", description = "Images per batch (default 256).")
    int batchSize = 256;

    @Option(names = "--output", description = "Directory for confusion.png and confusion.csv (default: none).")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        }
        CifarRecords test = CifarSource.split(data, false);
        long[][] m;
        try (Model model = source.load()) {
            m = Evaluation.confusion(model, test, batchSize);
        }
        List<String> classes = CifarTranslator.CLASSES;
        System.out.printf(Locale.ROOT, "evaluated on %d images (%s)%n", test.size(), CifarSource.describe(data));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-12s", "true\\pred"));
        for (String c : classes) {
            table.append(String.format(Locale.ROOT, "%6.5s", c));
        }
        table.append("  accuracy\n");
        for (int t = 0; t < m.length; t++) {
            long row = 0;
            table.append(String.format(Locale.ROOT, "%-12s", classes.get(t)));
            for (int p = 0; p < m.length; p++) {
                table.append(String.format(Locale.ROOT, "%6d", m[t][p]));
                row += m[t][p];
            }
            table.append(String.format(Locale.ROOT, "  %.4f%n", row == 0 ? 0 : m[t][t] / (double) row));
        }
        System.out.print(table);
        System.out.printf(Locale.ROOT, "accuracy: %.4f%n", Evaluation.accuracy(m));
        if (output != null) {
            OutputGuard.notAnInput(output, "--output", source.directory());
            Files.createDirectories(output);
            StringBuilder csv = new StringBuilder("true," + String.join(",", classes) + "\n");
            for (int t = 0; t < m.length; t++) {
                csv.append(classes.get(t));
                for (long v : m[t]) {
                    csv.append(',').append(v);
                }
                csv.append('\n');
            }
            AtomicFiles.write(output.resolve("confusion.csv"), out -> out.write(csv.toString().getBytes()));
            writeHeatmap(m, classes, output.resolve("confusion.png"));
            System.out.println("wrote " + output.resolve("confusion.png"));
        }
        return 0;
    }

    private static void writeHeatmap(long[][] m, List<String> classes, Path file) throws java.io.IOException {
        System.setProperty("java.awt.headless", "true");
        HeatMapChart chart = new HeatMapChartBuilder().width(800).height(700)
                .title("Confusion matrix (rows: true class)").xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setShowValue(true);
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < m.length; t++) {
            for (int p = 0; p < m.length; p++) {
                // XChart draws y from the bottom; flip so the first class is on top.
                cells.add(new Number[] {p, m.length - 1 - t, m[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("count", classes, reversed, cells);
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
