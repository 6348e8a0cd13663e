package io.github.attentionzoo.interop;

import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-tensor activation ranges from calibration, which the int8 writer turns into quantization
 * scales, and their small text file ({@value #FILE}) kept in a model directory.
 *
 * <p>The file is UTF-8 text, one entry per line: a first line {@value #HEADER}, then {@code
 * method M}, {@code images N}, {@code seed S} and {@code source TEXT} saying how the ranges were
 * measured, then one {@code range TENSOR MIN MAX} line per tensor of the fp32 graph (the names
 * {@link OnnxExport} gives its values). Lines starting with {@code #} are comments.
 */
public final class ActivationRanges {

    /** The file's name in a model directory. */
    public static final String FILE = "int8-ranges.txt";
    /** The file's first line, which names the format and its version. */
    public static final String HEADER = "attentionzoo-int8-ranges 1";


    /** How the ranges were measured (e.g. {@code minmax} or {@code percentile 99.99}). */
    public final String method;
    /** How many calibration images were run. */
    public final int images;
    /** The seed that chose them. */
    public final long seed;
    /** Where they came from, in words. */
    public final String source;
    private final Map<String, float[]> ranges;

    /**
     * Creates a set of ranges.
     *
     * @param method how they were measured
     * @param images how many images were run
     * @param seed the seed that chose the images
     * @param source where the images came from
     * @param ranges tensor name to {min, max}, in graph order
     */
    public ActivationRanges(String method, int images, long seed, String source, Map<String, float[]> ranges) {
        this.method = method;
        this.images = images;
        this.seed = seed;
        this.source = source;
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    /**
     * Returns the {min, max} of a tensor, or null when it was not measured.
     *
     * @param tensor the tensor's name in the fp32 graph
     * @return a two-element array or null
     */
    public float[] get(String tensor) {
        float[] r = ranges.get(tensor);
        return r == null ? null : r.clone();
    }

    /**
     * Returns the names of the measured tensors, in graph order.
     *
     * @return the names
     */
    public List<String> tensors() {
        return List.copyOf(ranges.keySet());
    }

    /**
     * Writes the ranges atomically.
     *
     * @param file the file to write
     * @throws IOException when it cannot be written; it is then unchanged
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADER).append('\n');
        sb.append("# per-tensor activation ranges of the fp32 graph, read by export-onnx --precision int8\n");
        sb.append("method ").append(method).append('\n');
        sb.append("images ").append(images).append('\n');
        sb.append("seed ").append(seed).append('\n');
        sb.append("source ").append(source.replaceAll("[\\r\\n]+", " ")).append('\n');
        for (Map.Entry<String, float[]> e : ranges.entrySet()) {
            // Float.toString round-trips exactly, so a rebuilt model has bit-identical scales.
            sb.append("range ").append(e.getKey()).append(' ').append(Float.toString(e.getValue()[0])).append(' ')
                    .append(Float.toString(e.getValue()[1])).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Reads a ranges file.
     *
     * @param file the file
     * @return the ranges
     * @throws IOException when it cannot be read or is not a ranges file; the message names the
     *     file and the line
     */
    public static ActivationRanges read(Path file) throws IOException {
        String text = TextFiles.read(file);
        String[] lines = text.split("\\r?\\n");
        if (lines.length == 0 || !lines[0].trim().equals(HEADER)) {
            throw new IOException(file + ": not an int8 ranges file (its first line is not '" + HEADER + "')");
        }
        String method = null;
        String source = "";
        int images = 0;
        long seed = 0;
        Map<String, float[]> ranges = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + " line " + (i + 1);
            try {
                switch (f[0]) {
                    case "method": method = line.substring(6).trim(); break;
                    case "images": images = Integer.parseInt(f[1]); break;
                    case "seed": seed = Long.parseLong(f[1]); break;
                    case "source": source = line.substring(6).trim(); break;
                    case "range": {
                        if (f.length != 4) {
                            throw new IOException(where + ": expected 'range TENSOR MIN MAX'");
                        }
                        float min = Float.parseFloat(f[2]);
                        float max = Float.parseFloat(f[3]);
                        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
                            throw new IOException(where + ": the range of " + f[1] + " is not finite with MIN <= MAX");
                        }
                        if (ranges.put(f[1], new float[] {min, max}) != null) {
                            throw new IOException(where + ": " + f[1] + " is given twice");
                        }
                        break;
                    }
                    default:
                        throw new IOException(where + ": unknown entry '" + f[0] + "'");
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException(where + ": not a number where one is expected ('" + line + "')");
            }
        }
        if (method == null || ranges.isEmpty()) {
            throw new IOException(file + ": has no " + (method == null ? "method line" : "range lines"));
        }
        return new ActivationRanges(method, images, seed, source, ranges);
    }

    /** Accumulates ranges over calibration batches: min/max, or a percentile of each tail. */
    public static final class Collector {

        private static final int BINS = 4096;

        private final double percentile;
        private final Map<String, float[]> minMax = new LinkedHashMap<>();
        private final Map<String, long[]> histograms = new LinkedHashMap<>();
        private boolean secondPass;

        /**
         * Creates a collector.
         *
         * @param percentile 100 for min/max, else the percentile (e.g. 99.99) kept of each tail,
         *     which takes a second pass over the same images
         */
        public Collector(double percentile) {
            if (!(percentile > 50 && percentile <= 100)) {
                throw new IllegalArgumentException("the percentile must be in (50, 100], got " + percentile);
            }
            this.percentile = percentile;
        }

        /**
         * Whether the images must be run a second time ({@link #beginSecondPass()}).
         *
         * @return true for a percentile below 100
         */
        public boolean needsSecondPass() {
            return percentile < 100;
        }

        /** Starts the second pass, which fills histograms over the first pass's min/max. */
        public void beginSecondPass() {
            secondPass = true;
        }

        /**
         * Takes one batch's values of a tensor.
         *
         * @param tensor the tensor's name
         * @param values its values
         */
        public void observe(String tensor, float[] values) {
            if (!secondPass) {
                float[] r = minMax.computeIfAbsent(tensor, k -> new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
                for (float v : values) {
                    if (v < r[0]) {
                        r[0] = v;
                    }
                    if (v > r[1]) {
                        r[1] = v;
                    }
                }
                return;
            }
            float[] r = minMax.get(tensor);
            long[] h = histograms.computeIfAbsent(tensor, k -> new long[BINS]);
            double width = Math.max(r[1] - r[0], Float.MIN_NORMAL) / BINS;
            for (float v : values) {
                int b = (int) ((v - r[0]) / width);
                h[Math.max(0, Math.min(BINS - 1, b))]++;
            }
        }

        /**
         * Returns the ranges measured.
         *
         * @param images how many images were run
         * @param seed the seed that chose them
         * @param source where they came from
         * @return the ranges
         */
        public ActivationRanges result(int images, long seed, String source) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : minMax.entrySet()) {
                float[] r = e.getValue().clone();
                long[] h = histograms.get(e.getKey());
                if (needsSecondPass() && h != null) {
                    r = clip(r, h);
                }
                out.put(e.getKey(), r);
            }
            String method = needsSecondPass()
                    ? String.format(Locale.ROOT, "percentile %s", stripZeros(percentile)) : "minmax";
            return new ActivationRanges(method, images, seed, source, out);
        }

        /** Moves each end inwards to the bin where the tail beyond it holds (100 - p)% of the values. */
        private float[] clip(float[] r, long[] h) {
            long total = 0;
            for (long c : h) {
                total += c;
            }
            double tail = total * (100 - percentile) / 100;
            double width = (r[1] - r[0]) / (double) BINS;
            float min = r[0];
            float max = r[1];
            long seen = 0;
            for (int b = BINS - 1; b >= 0; b--) {
                seen += h[b];
                if (seen > tail) {
                    max = (float) (r[0] + (b + 1) * width);
                    break;
                }
            }
            seen = 0;
            for (int b = 0; b < BINS; b++) {
                seen += h[b];
                if (seen > tail) {
                    min = (float) (r[0] + b * width);
                    break;
                }
            }
            // A ReLU's output starts at exactly 0: keep it there so that its zero point stays 0.
            return new float[] {r[0] >= 0 ? r[0] : Math.min(min, 0f), Math.max(max, Math.min(r[1], 0f))};
        }

        private static String stripZeros(double p) {
            return new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
        }
    }
}
