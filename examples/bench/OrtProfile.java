import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Where ONNX Runtime spends its time on one .onnx file: runs it with ONNX Runtime's profiler at the
 * zoo's session settings (all optimizations, sequential, 1 inter-op thread) and prints the kernel
 * time per operator type after graph optimization, so that an int8 model shows which nodes run as
 * QLinear* kernels and which stayed float. Run with Java's single-file launcher:
 *
 *   java -cp 'examples/target/attentionzoo.jar:examples/target/lib/*' examples/bench/OrtProfile.java FILE.onnx BATCH STEPS THREADS
 */
public final class OrtProfile {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("ort-profile");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, double[]> byOp = new TreeMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            options.setIntraOpNumThreads(threads);
            options.enableProfiling(dir.resolve("profile").toString());
            float[] data = new float[batch * 3 * 32 * 32];
            Random rng = new Random(1);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rng.nextGaussian();
            }
            try (OrtSession session = env.createSession(file.toString(), options);
                    OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {batch, 3, 32, 32})) {
                for (int i = 0; i < steps; i++) {
                    session.run(Map.of("input", input)).close();
                }
                Path trace = Path.of(session.endProfiling());
                JsonArray events = JsonParser.parseString(Files.readString(trace)).getAsJsonArray();
                for (JsonElement e : events) {
                    JsonObject o = e.getAsJsonObject();
                    if (o.has("cat") && o.get("cat").getAsString().equals("Node")
                            && o.get("name").getAsString().endsWith("_kernel_time")) {
                        String op = o.getAsJsonObject("args").get("op_name").getAsString();
                        double[] t = byOp.computeIfAbsent(op, k -> new double[2]);
                        t[0] += o.get("dur").getAsDouble() / 1000;
                        t[1]++;
                    }
                }
                Files.delete(trace);
            }
        }
        Files.deleteIfExists(dir);
        double total = byOp.values().stream().mapToDouble(t -> t[0]).sum();
        System.out.printf("%s, batch %d, %d steps: kernel time by operator type%n", file.getFileName(), batch, steps);
        byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                System.out.printf("| %s | %.1f ms | %.1f%% | %d nodes |%n", e.getKey(), e.getValue()[0],
                        100 * e.getValue()[0] / total, (int) e.getValue()[1] / steps));
    }
}
