package io.github.attentionzoo.cli;

import ai.djl.Model;
import com.google.gson.GsonBuilder;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.data.Images;
import io.github.attentionzoo.explain.AttentionPlots;
import io.github.attentionzoo.explain.Explainer;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        ModelMetadata metadata = source.metadata();
        OutputGuard.notAnInput(output, "--output", source.directory());
        List<String> stems = stems(images);
        for (int i = 0; i < images.size(); i++) {
            for (String ext : new String[] {".json", ".csv", ".png"}) {
                OutputGuard.notAnInput(output.resolve(stems.get(i) + ext), "--output", images.toArray(new Path[0]));
            }
        }
        Files.createDirectories(output);
        try (Model model = source.load()) {
            Explainer explainer = new Explainer(model, metadata.inputSize);
            List<String> classes = CifarTranslatorFactory.synset(model);
            for (int i = 0; i < images.size(); i++) {
                explainImage(explainer, images.get(i), stems.get(i), classes);
            }
            if (perClass) {
                explainClasses(explainer, classes);
            }
        }
        return 0;
    }

    /**
     * The result files' names, one per image: its file name without extension, numbered from the
     * second on when images from different folders share a name ({@code cat}, {@code cat-2}), so
     * that no result replaces another.
     */
    static List<String> stems(List<Path> images) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> stems = new ArrayList<>();
        for (Path image : images) {
            String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            int n = seen.merge(stem, 1, Integer::sum);
            stems.add(n == 1 ? stem : stem + "-" + n);
        }
        return stems;
    }

    private void explainImage(Explainer explainer, Path image, String stem, List<String> classes) throws Exception {
        Explainer.Explanation e = explainer.explain(Images.read(image, 128));
        Integer[] order = new Integer[e.probabilities().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(e.probabilities()[b], e.probabilities()[a]));
        List<Map<String, Object>> top = new ArrayList<>();
        StringBuilder title = new StringBuilder(image.getFileName() + ":");
        for (int i = 0; i < Math.min(5, order.length); i++) {
            top.add(Map.of("className", classes.get(order[i]), "probability", e.probabilities()[order[i]]));
            title.append(String.format(Locale.ROOT, " %s %.2f", classes.get(order[i]), e.probabilities()[order[i]]));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("image", image.toString());
        json.put("top5", top);
        List<Map<String, Object>> se = new ArrayList<>();
        List<Map<String, Object>> sk = new ArrayList<>();
        StringBuilder csv = new StringBuilder("kind,block,branch,channel,value\n");
        for (AttentionRecorder.Record r : e.records()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("block", r.getIndex());
            entry.put("shape", r.getShape());
            entry.put("values", r.getValues());
            (r.getKind().equals("se") ? se : sk).add(entry);
            long[] s = r.getShape();
            int channels = (int) s[s.length - 1];
            for (int i = 0; i < r.getValues().length; i++) {
                int branch = s.length == 3 ? (i / channels) % (int) s[1] : 0;
                csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f%n",
                        r.getKind(), r.getIndex(), branch, i % channels, r.getValues()[i]));
            }
        }
        json.put("se_gates", se);
        json.put("sk_branch_weights", sk);
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(json);
        AtomicFiles.write(output.resolve(stem + ".json"), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(output.resolve(stem + ".csv"), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        AttentionPlots.gateHeatmap(e.records(), title.toString(), output.resolve(stem + ".png"));
        System.out.println(title + " -> " + output.resolve(stem + ".{json,csv,png}"));
    }

    private void explainClasses(Explainer explainer, List<String> classes) throws Exception {
        if (data == null) {
            throw new IllegalArgumentException("--per-class needs --data (a CIFAR-10 directory or 'embedded')");
        }
        CifarRecords test = CifarSource.split(data, false);
        List<double[][]> perClass = explainer.meanGatesPerClass(test, 200);
        if (perClass.isEmpty()) {
            throw new IllegalArgumentException("this model has no SE layers to explain");
        }
        StringBuilder csv = new StringBuilder("block,class,channel,mean_gate\n");
        for (int b = 0; b < perClass.size(); b++) {
            double[][] m = perClass.get(b);
            for (int k = 0; k < m.length; k++) {
                for (int c = 0; c < m[k].length; c++) {
                    csv.append(String.format(Locale.ROOT, "%d,%s,%d,%.6f%n", b, classes.get(k), c, m[k][c]));
                }
            }
        }
        AtomicFiles.write(output.resolve("per_class_gates.csv"), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        // One panel per stage: the last SE block of each third of the network, as the paper's figure.
        int n = perClass.size();
        int[] layers = n >= 3 ? new int[] {n / 3 - 1, 2 * n / 3 - 1, n - 1} : new int[] {n - 1};
        int[] shown = {0, 2, 3, 8};
        AttentionPlots.excitationFigure(perClass, layers, classes, shown, output.resolve("excitation.png"));
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "mean gates of %d SE blocks over %d images (%s) -> %s%n",
                n, test.size(), CifarSource.describe(data), output.resolve("excitation.png")));
        for (int b = 0; b < n; b++) {
            summary.append(blockSummary(b, perClass.get(b))).append('\n');
        }
        // Kept beside the figure: the per-block lines are what tells a switched-off block.
        AtomicFiles.write(output.resolve("summary.txt"), out -> out.write(summary.toString().getBytes(StandardCharsets.UTF_8)));
        System.out.print(summary);
    }

    /**
     * One line per SE block: the spread of its class means, the range of its gates, and a warning
     * when every gate is the same, which means the block's excitation weights have decayed to
     * nothing (sigmoid(0) = 0.5) and it no longer attends.
     */
    static String blockSummary(int block, double[][] m) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : m) {
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        String line = String.format(Locale.ROOT, "SE block %d: spread of class means %.4f, mean gates %.3f-%.3f",
                block, classSpread(m), min, max);
        if (max - min < 1e-3) {
            line += String.format(Locale.ROOT, " (switched off: every gate is %.3f for every class)", (min + max) / 2);
        }
        return line;
    }

    /** Mean over channels of the standard deviation across classes: near 0 means class-agnostic. */
    static double classSpread(double[][] m) {
        double total = 0;
        for (int c = 0; c < m[0].length; c++) {
            double mean = 0;
            for (double[] row : m) {
                mean += row[c] / m.length;
            }
            double var = 0;
            for (double[] row : m) {
                var += (row[c] - mean) * (row[c] - mean) / m.length;
            }
            total += Math.sqrt(var);
        }
        return total / m[0].length;
    }
}
