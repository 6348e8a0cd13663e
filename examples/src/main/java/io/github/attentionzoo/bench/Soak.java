package io.github.attentionzoo.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.BatchLoader;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.train.LrSchedule;
import io.github.attentionzoo.train.Sgd;
import io.github.attentionzoo.train.SmoothedCrossEntropy;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;
import io.github.attentionzoo.zoo.Recipe;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A long run that shows whether memory stays flat: many single-image predictions through the
 * user-facing {@code Image → Classifications} predictor, then many training steps on the embedded
 * sample, printing resident memory every {@code every} calls.
 */
public final class Soak {

    private Soak() {}

    /**
     * Runs the soak.
     *
     * @param model the architecture
     * @param inferCalls single-image predictions
     * @param trainSteps training steps (batch 32)
     * @param every how often to print resident memory
     * @param out where lines go
     * @return resident memory (MiB) of each phase: inference after 50 warm-up calls and then every
     *     {@code every} calls, training every {@code every} steps
     * @throws IOException when the embedded sample cannot be read
     */
    public static Readings run(String model, int inferCalls, int trainSteps, int every, PrintStream out)
            throws IOException {
        return run(model, ModelDirectory.PYTORCH, inferCalls, trainSteps, every, out);
    }

    /**
     * Runs the soak on an engine: on ONNX Runtime the shipped model's ONNX file, inference only.
     *
     * @param model the architecture
     * @param engine {@code PyTorch} or {@code OnnxRuntime}
     * @param inferCalls single-image predictions
     * @param trainSteps training steps (batch 32; PyTorch only)
     * @param every how often to print resident memory
     * @param out where lines go
     * @return resident memory (MiB) of each phase
     * @throws IOException when the embedded sample or the model cannot be read
     */
    public static Readings run(String model, String engine, int inferCalls, int trainSteps, int every, PrintStream out)
            throws IOException {
        return run(model, engine, Precision.FP32, inferCalls, trainSteps, every, out);
    }

    /**
     * Runs the soak on an engine in a precision: int8 soaks the shipped model's int8 ONNX file.
     *
     * @param model the architecture
     * @param engine {@code PyTorch} or {@code OnnxRuntime}
     * @param precision fp32, or int8 (ONNX Runtime only)
     * @param inferCalls single-image predictions
     * @param trainSteps training steps (batch 32; PyTorch only)
     * @param every how often to print resident memory
     * @param out where lines go
     * @return resident memory (MiB) of each phase
     * @throws IOException when the embedded sample or the model cannot be read
     */
    public static Readings run(String model, String engine, Precision precision, int inferCalls, int trainSteps,
            int every, PrintStream out) throws IOException {
        boolean onnx = engine.equals(ModelDirectory.ONNX_RUNTIME);
        if (onnx && trainSteps > 0) {
            throw new IllegalArgumentException("--engine OnnxRuntime runs inference only: pass --train 0");
        }
        if (onnx && !PretrainedStore.hasWeights(model)) {
            throw new IllegalArgumentException("--engine OnnxRuntime soaks the shipped model's ONNX file, and " + model
                    + " ships no weights");
        }
        List<Double> inferSamples = new ArrayList<>();
        List<Double> trainSamples = new ArrayList<>();
        try (Model m = onnx ? ModelDirectory.open(PretrainedStore.install(model)).load(ModelDirectory.ONNX_RUNTIME, null, null, precision)
                : ModelDirectory.newModel(ModelDescription.untrained(model), null)) {
            if (!onnx) {
                ModelDirectory.initialize(m, 32);
            }
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Image image = ImageFactory.getInstance().fromImage(img);
            try (Predictor<Image, Classifications> predictor = m.newPredictor(
                    CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                for (int i = 0; i < 50; i++) {
                    predictor.predict(image);
                }
                record(inferSamples, "infer", 0, out);
                for (int i = 1; i <= inferCalls; i++) {
                    predictor.predict(image);
                    if (i % every == 0) {
                        record(inferSamples, "infer", i, out);
                    }
                }
            } catch (ai.djl.translate.TranslateException e) {
                throw new IllegalStateException(e);
            }
        }
        if (trainSteps == 0) {
            return new Readings(inferSamples, trainSamples);
        }
        try (Model m = ModelDirectory.newModel(ModelDescription.untrained(model), null)) {
            LrSchedule schedule = new LrSchedule(Recipe.Schedule.CONSTANT, 0.01f, 1, 0);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new SmoothedCrossEntropy(0f))
                    .optDevices(Engine.getInstance().getDevices())
                    .optOptimizer(new Sgd(schedule, 0.9f, true, 5e-4f, Set.of(), Engine.getInstance().getDevices().length))
                    .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                            XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            CifarRecords data = CifarRecords.embedded(true);
            try (Trainer trainer = m.newTrainer(config)) {
                trainer.initialize(new Shape(1, 3, 32, 32));
                NDManager manager = trainer.getManager();
                int step = 0;
                long seed = 0;
                while (step < trainSteps) {
                    Iterator<Batch> it = new BatchLoader(data, manager, 32, true, true, Augmentation.STANDARD, seed++)
                            .iterator();
                    while (it.hasNext() && step < trainSteps) {
                        try (Batch batch = it.next()) {
                            TrainingRun.step(trainer, batch);
                        }
                        step++;
                        if (step % every == 0) {
                            record(trainSamples, "train", step, out);
                        }
                    }
                    while (it.hasNext()) {
                        it.next().close();
                    }
                }
            }
        }
        return new Readings(inferSamples, trainSamples);
    }

    private static void record(List<Double> readings, String phase, int count, PrintStream out) {
        double mb = Benchmark.Memory.residentMb();
        readings.add(mb);
        out.printf(Locale.ROOT, "%s %d: %.0f MiB%n", phase, count, mb);
    }

    /**
     * Resident memory readings of a soak, in MiB.
     *
     * @param infer the inference phase's readings, in order
     * @param train the training phase's readings, in order
     */
    public record Readings(List<Double> infer, List<Double> train) {}

    /**
     * The growth a leak would show in evenly spaced readings: the smaller of the two rises between
     * the median levels of their first, middle and last thirds. A leak raises both; the allocator
     * taking one more block, or a single noisy reading, raises at most one.
     *
     * @param readings at least three readings, evenly spaced, in order
     * @return the sustained growth in the readings' unit; zero or negative when memory held
     */
    public static double sustainedGrowth(List<Double> readings) {
        int n = readings.size();
        if (n < 3) {
            throw new IllegalArgumentException("need at least 3 readings, got " + n);
        }
        int third = n / 3;
        double first = median(readings.subList(0, third));
        double middle = median(readings.subList(third, n - third));
        double last = median(readings.subList(n - third, n));
        return Math.min(middle - first, last - middle);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
