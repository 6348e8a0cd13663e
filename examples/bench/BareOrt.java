import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The peer of `attentionzoo bench --engine OnnxRuntime`: a bare DJL + ONNX Runtime loop over one
 * .onnx file, as a Java user would write it without the zoo, with the same session options as the
 * zoo's (all optimizations, sequential, 1 inter-op thread, N intra-op threads). Prints one JSON line
 * with the same fields. It uses nothing of the zoo's, so its memory is a minimal program's: compile
 * it once and run it on DJL's API and ONNX Runtime engine jars alone (examples/bench/onnx_compare.py
 * does this):
 *
 *   javac -d /tmp/bare -cp "$(ls examples/target/lib/{api,onnxruntime-engine}-*.jar | paste -sd:)" examples/bench/BareOrt.java
 *   java -cp "/tmp/bare:$(ls examples/target/lib/{api,onnxruntime,onnxruntime-engine,gson,jna,slf4j-api,commons-compress}-*.jar | paste -sd:)" \
 *       BareOrt FILE.onnx BATCH SECONDS THREADS [OPTION=VALUE...]
 *
 * The OPTION=VALUE pairs replace or add session options that DJL's OrtModel reads (executionMode,
 * optLevel, memoryPatternOptimization, cpuArenaAllocator, interOpNumThreads, ...), for a sweep.
 */
public final class BareOrt {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String threads = args[3];
        Shape shape = new Shape(batch, 3, 32, 32);
        float[] data = new float[(int) shape.size()];
        Random rng = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        // Floats in, logits out: the least Java work around the network.
        Translator<float[], float[]> translator = new NoBatchifyTranslator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, float[] input) {
                return new NDList(ctx.getNDManager().create(input, shape));
            }

            @Override
            public float[] processOutput(TranslatorContext ctx, NDList list) {
                return list.head().toFloatArray();
            }
        };
        Criteria.Builder<float[], float[]> builder = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(file).optEngine("OnnxRuntime").optTranslator(translator)
                .optOption("optLevel", "ALL_OPT").optOption("executionMode", "SEQUENTIAL")
                .optOption("interOpNumThreads", "1").optOption("intraOpNumThreads", threads);
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            builder.optOption(kv[0], kv[1]);
        }
        Criteria<float[], float[]> criteria = builder.build();
        try (ZooModel<float[], float[]> model = criteria.loadModel();
                Predictor<float[], float[]> predictor = model.newPredictor()) {
            long warmEnd = System.nanoTime() + (long) (Math.min(3, seconds / 3) * 1e9);
            for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
                predictor.predict(data);
            }
            double rssStart = rss();
            double peak = rssStart;
            long[] times = new long[1 << 20];
            int n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (n < 5 || System.nanoTime() < end) {
                long t0 = System.nanoTime();
                predictor.predict(data);
                times[n++] = System.nanoTime() - t0;
                if (n % 50 == 0) {
                    peak = Math.max(peak, rss());
                }
            }
            long[] sorted = Arrays.copyOf(times, n);
            Arrays.sort(sorted);
            double total = Arrays.stream(sorted).sum() / 1e9;
            double rssEnd = rss();
            System.out.printf(java.util.Locale.ROOT, "{\"impl\":\"bare-ort\",\"engine\":\"OnnxRuntime\",\"model\":\"%s\","
                    + "\"mode\":\"infer\",\"batch_size\":%d,\"threads\":%s,\"steps\":%d,\"images_per_second\":%.1f,"
                    + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"rss_start_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_peak_mb\":%.1f}%n",
                    file.getFileName(), batch, threads, n, n * batch / total, sorted[n / 2] / 1e6,
                    sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6, rssStart, rssEnd,
                    Math.max(peak, rssEnd));
        }
    }

    private static double rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return 0;
    }
}
