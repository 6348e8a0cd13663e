package io.github.attentionzoo.explain;

import com.google.gson.GsonBuilder;
import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.Images;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.AttentionRecorder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes what {@link Explainer} records into files a person and a script can read: JSON, CSV and figures. */
public final class ExplanationFiles {

    private final Explainer explainer;
    private final List<String> classes;
    private final Path output;

    /**
     * Creates the writer.
     *
     * @param explainer the explainer of a loaded model
     * @param classes the model's class names
     * @param output the directory the files go into (created by the caller)
     */
    public ExplanationFiles(Explainer explainer, List<String> classes, Path output) {
        this.explainer = explainer;
        this.classes = classes;
        this.output = output;
    }

    /**
     * Returns the result files' names, one per image: its file name without extension, numbered from the
     * second on when images from different folders share a name ({@code cat}, {@code cat-2}), so
     * that no result replaces another.
     *
     * @param images the images
     * @return one name per image
     */
    public static List<String> stems(List<Path> images) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> stems = new ArrayList<>();
        for (Path image : images) {
            String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            int n = seen.merge(stem, 1, Integer::sum);
            stems.add(n == 1 ? stem : stem + "-" + n);
        }
        return stems;
    }

    /**
     * Explains one image and writes {@code STEM.json}, {@code STEM.csv} and {@code STEM.png}.
     *
     * @param image the image file
     * @param stem the result files' name
     * @return the line a command prints: the top-5 classes and where the files went
     * @throws Exception when the image cannot be read or a file written
     */
    public String image(Path image, String stem) throws Exception {
        Explainer.Explanation e = explainer.explain(Images.read(image, 128));
        Integer[] order = new Integer[e.probabilities().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(e.probabilities()[b], e.probabilities()[a]));
        List<Map<String, Object>> top = new ArrayList<>();
        StringBuilder title = new StringBuilder(image.getFileName() + ":");
        for (int i = 0; i < Math.min(5, order.length); i++) {
            // In this order in every file: Map.of would order its keys differently from run to run.
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("className", classes.get(order[i]));
            entry.put("probability", e.probabilities()[order[i]]);
            top.add(entry);
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
            (BlockKinds.SQUEEZE_EXCITATION.wrote(r) ? se : sk).add(entry);
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
        return title + " -> " + output.resolve(stem + ".{json,csv,png}");
    }

    /**
     * Explains a test set per class and writes {@code per_class_gates.csv}, {@code excitation.png}
     * and {@code summary.txt}.
     *
     * @param test the images
     * @param described what they are, for the summary
     * @return the summary, one line per SE block, which tells a switched-off block
     * @throws Exception when a file cannot be written
     */
    public String perClass(CifarRecords test, String described) throws Exception {
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
                n, test.size(), described, output.resolve("excitation.png")));
        for (int b = 0; b < n; b++) {
            summary.append(GateDiagnostics.blockSummary(b, perClass.get(b))).append('\n');
        }
        // Kept beside the figure: the per-block lines are what tells a switched-off block.
        AtomicFiles.write(output.resolve("summary.txt"), out -> out.write(summary.toString().getBytes(StandardCharsets.UTF_8)));
        return summary.toString();
    }
}
