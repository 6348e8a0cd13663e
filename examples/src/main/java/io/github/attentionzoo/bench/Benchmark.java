package io.github.attentionzoo.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import io.github.attentionzoo.app.RawTranslators;
import io.github.attentionzoo.train.LrSchedule;
import io.github.attentionzoo.train.Sgd;
import io.github.attentionzoo.train.SmoothedCrossEntropy;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;
import io.github.attentionzoo.zoo.Recipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Times a zoo model the way users run it: inference through a {@link Predictor}, training through
 * the recipes' own step ({@link TrainingRun#step}: forward, loss, backward, Nesterov SGD update).
 * Warm-up first, then timed steps for at least the given seconds.
 */
public final class Benchmark {

    /**
     * The figures of one benchmark.
     *
     * @param model the architecture
     * @param mode "infer" or "train"
     * @param batchSize images per step
     * @param threads intra-op threads
     * @param steps timed steps
     * @param imagesPerSecond throughput
     * @param p50Ms median milliseconds per step
     * @param p99Ms 99th-percentile milliseconds per step
     * @param rssStartMb resident memory after warm-up, MiB
     * @param rssEndMb resident memory at the end, MiB
     * @param rssPeakMb peak resident memory of the process, MiB
     */
    public record Result(String model, String engine, String mode, int batchSize, int threads, int steps,
            double imagesPerSecond, double p50Ms, double p99Ms, double rssStartMb, double rssEndMb, double rssPeakMb) {

        /**
         * Returns the figures as one JSON line.
         *
         * @return the JSON
         */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"impl\":\"djl\",\"engine\":\"%s\",\"model\":\"%s\",\"mode\":\"%s\",\"batch_size\":%d,\"threads\":%d,\"steps\":%d,"
                            + "\"images_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                            + "\"rss_start_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_peak_mb\":%.1f}",
                    engine, model, mode, batchSize, threads, steps, imagesPerSecond, p50Ms, p99Ms, rssStartMb, rssEndMb, rssPeakMb);
        }
    }

    /** Steps recorded by the operator profile: enough to average, few enough to keep the trace small. */
    public static final int PROFILED_STEPS = 5;

    private Benchmark() {}

    /**
     * Runs a benchmark.
     *
     * @param model the architecture
     * @param mode "infer" or "train"
     * @param batchSize images per step
     * @param threads intra-op threads the engine was started with
     * @param seconds the least timed duration
     * @param minSteps the least number of timed steps
     * @return the figures
     */
    public static Result run(String model, String mode, int batchSize, int threads, double seconds, int minSteps) {
        return run(model, mode, batchSize, threads, seconds, minSteps, null);
    }

    /**
     * Runs a benchmark, then, when {@code profile} is given, records {@value #PROFILED_STEPS} more steps
     * with libtorch's own profiler into that file (a Chrome trace; {@code examples/bench/profile.py} reads it).
     *
     * @param model the architecture
     * @param mode "infer" or "train"
     * @param batchSize images per step
     * @param threads intra-op threads the engine was started with
     * @param seconds the least timed duration
     * @param minSteps the least number of timed steps
     * @param profile where the operator trace goes, or null for none
     * @return the figures (of the timed steps, which run unprofiled)
     */
    public static Result run(String model, String mode, int batchSize, int threads, double seconds, int minSteps,
            Path profile) {
        return runPyTorch(model, mode, batchSize, threads, seconds, minSteps, profile);
    }

    /**
     * Measures one configuration on an engine. On ONNX Runtime it times inference of the shipped
     * model's ONNX file (the weights do not change the speed; the file is what a user serves).
     *
     * @param model the architecture
     * @param engine {@code PyTorch} or {@code OnnxRuntime}
     * @param mode "infer" or "train" (PyTorch only)
     * @param batchSize images per step
     * @param threads intra-op threads
     * @param seconds the least timed duration
     * @param minSteps the least number of timed steps
     * @param profile where libtorch's operator trace goes (PyTorch only), or null
     * @return the figures
     * @throws IOException when the shipped model cannot be installed or its ONNX file loaded
     */
    public static Result run(String model, String engine, String mode, int batchSize, int threads, double seconds,
            int minSteps, Path profile) throws IOException {
        return run(model, engine, Precision.FP32, mode, batchSize, threads, seconds, minSteps, profile);
    }

    /**
     * Measures one configuration on an engine in a precision: int8 times the shipped model's int8
     * ONNX file on ONNX Runtime.
     *
     * @param model the architecture
     * @param engine {@code PyTorch} or {@code OnnxRuntime}
     * @param precision fp32, or int8 (ONNX Runtime only)
     * @param mode "infer" or "train" (PyTorch only)
     * @param batchSize images per step
     * @param threads intra-op threads
     * @param seconds the least timed duration
     * @param minSteps the least number of timed steps
     * @param profile where libtorch's operator trace goes (PyTorch only), or null
     * @return the figures
     * @throws IOException when the shipped model cannot be installed or its ONNX file loaded
     */
    public static Result run(String model, String engine, Precision precision, String mode, int batchSize, int threads,
            double seconds, int minSteps, Path profile) throws IOException {
        if (!engine.equals(ModelDirectory.ONNX_RUNTIME)) {
            return runPyTorch(model, mode, batchSize, threads, seconds, minSteps, profile);
        }
        if (!mode.equals("infer") || profile != null) {
            throw new IllegalArgumentException("--engine OnnxRuntime measures inference only: --mode train and"
                    + " --profile are for PyTorch");
        }
        if (!PretrainedStore.hasWeights(model)) {
            throw new IllegalArgumentException("--engine OnnxRuntime times the shipped model's ONNX file, and " + model
                    + " ships no weights; models that ship: " + String.join(", ", Architectures.names().stream()
                            .filter(PretrainedStore::hasWeights).toList()));
        }
        int size = Architectures.spec(model).inputSize();
        try (Model m = ModelDirectory.open(PretrainedStore.install(model)).load(ModelDirectory.ONNX_RUNTIME, null,
                Map.of("intraOpNumThreads", Integer.toString(threads)), precision)) {
            return infer(m, model, engine, new Shape(batchSize, 3, size, size), threads, seconds, minSteps, null);
        }
    }

    private static Result runPyTorch(String model, String mode, int batchSize, int threads, double seconds,
            int minSteps, Path profile) {
        if (batchSize <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("batch size and seconds must be positive");
        }
        int size = Architectures.spec(model).inputSize();
        Shape shape = new Shape(batchSize, 3, size, size);
        try (Model m = ModelDirectory.newModel(ModelDescription.untrained(model), null)) {
            if (mode.equals("infer")) {
                ModelDirectory.initialize(m, size);
                return infer(m, model, ModelDirectory.PYTORCH, shape, threads, seconds, minSteps, profile);
            }
            if (mode.equals("train")) {
                return train(m, model, shape, threads, seconds, minSteps, profile);
            }
            throw new IllegalArgumentException("mode must be infer or train, got " + mode);
        }
    }

    private static Result infer(Model m, String model, String engine, Shape shape, int threads, double seconds,
            int minSteps, Path profile) {
        float[] data = new float[(int) shape.size()];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        // Like an image translator: the batch enters native memory in the predictor's own context,
        // which frees it and every intermediate when the call returns.
        Translator<float[], float[]> translator = RawTranslators.floats(shape);
        try (Predictor<float[], float[]> predictor = m.newPredictor(translator)) {
            Runnable step = () -> {
                try {
                    predictor.predict(data);
                } catch (TranslateException e) {
                    throw new IllegalStateException(e);
                }
            };
            return time(model, engine, "infer", shape, threads, seconds, minSteps, step, profile);
        }
    }

    private static Result train(Model m, String model, Shape shape, int threads, double seconds, int minSteps,
            Path profile) {
        LrSchedule schedule = new LrSchedule(Recipe.Schedule.CONSTANT, 0.01f, 1, 0);
        Sgd sgd = new Sgd(schedule, 0.9f, true, 5e-4f, Set.of(), Engine.getInstance().getDevices().length);
        DefaultTrainingConfig config = new DefaultTrainingConfig(new SmoothedCrossEntropy(0f))
                .optDevices(Engine.getInstance().getDevices()).optOptimizer(sgd)
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        try (Trainer trainer = m.newTrainer(config)) {
            trainer.initialize(new Shape(1, shape.get(1), shape.get(2), shape.get(3)));
            NDManager manager = trainer.getManager();
            float[] data = manager.randomNormal(shape).toFloatArray();
            float[] labels = new float[(int) shape.get(0)];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 10;
            }
            Runnable step = () -> {
                // A fresh batch per step, as the data loader hands them out (Batch.close frees it).
                NDManager sub = manager.newSubManager();
                try (Batch batch = new Batch(sub, new NDList(sub.create(data, shape)),
                        new NDList(sub.create(labels)), labels.length, Batchifier.STACK, Batchifier.STACK, 0, 0)) {
                    TrainingRun.step(trainer, batch);
                }
            };
            return time(model, ModelDirectory.PYTORCH, "train", shape, threads, seconds, minSteps, step, profile);
        }
    }

    private static Result time(String model, String engine, String mode, Shape shape, int threads, double seconds, int minSteps,
            Runnable step, Path profile) {
        long warmEnd = System.nanoTime() + (long) (Math.min(3, seconds / 3) * 1e9);
        int warm = 0;
        while (warm < 3 || System.nanoTime() < warmEnd) {
            step.run();
            warm++;
        }
        double rssStart = Memory.residentMb();
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (times.size() < minSteps || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            step.run();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        double total = (System.nanoTime() - start) / 1e9;
        double rssEnd = Memory.residentMb();
        if (profile != null) {
            JniUtils.startProfile(false, true, false);
            try {
                for (int i = 0; i < PROFILED_STEPS; i++) {
                    step.run();
                }
            } finally {
                JniUtils.stopProfile(profile.toString());
            }
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int batch = (int) shape.get(0);
        return new Result(model, engine, mode, batch, threads, sorted.length, sorted.length * batch / total,
                percentile(sorted, 0.5), percentile(sorted, 0.99), rssStart, rssEnd, Memory.peakResidentMb());
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Resident memory of this process, from /proc (Linux); NaN elsewhere. */
    public static final class Memory {
        private Memory() {}

        /**
         * Returns the current resident set size.
         *
         * @return MiB, or NaN when unknown
         */
        public static double residentMb() {
            return field("VmRSS:");
        }

        /**
         * Returns the peak resident set size.
         *
         * @return MiB, or NaN when unknown
         */
        public static double peakResidentMb() {
            return field("VmHWM:");
        }

        private static double field(String name) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(name)) {
                        return Double.parseDouble(line.substring(name.length()).trim().split("\\s+")[0]) / 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }
    }

    /**
     * Formats a result for people.
     *
     * @param r the result
     * @return a few lines
     */
    public static String describe(Result r) {
        return String.format(Locale.ROOT,
                "%s %s on %s, batch %d, %d threads: %.1f images/s, %.2f ms/batch p50, %.2f ms p99 (%d steps);"
                        + " resident memory %.0f -> %.0f MiB (peak %.0f)",
                r.model(), r.mode(), r.engine(), r.batchSize(), r.threads(), r.imagesPerSecond(), r.p50Ms(), r.p99Ms(), r.steps(),
                r.rssStartMb(), r.rssEndMb(), r.rssPeakMb());
    }
}
