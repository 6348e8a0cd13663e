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
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelArtifacts;

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
     * @return resident memory samples (MiB): after warm-up, then every {@code every} calls of each phase
     * @throws IOException when the embedded sample cannot be read
     */
    public static List<Double> run(String model, int inferCalls, int trainSteps, int every, PrintStream out)
            throws IOException {
        List<Double> samples = new ArrayList<>();
        try (Model m = Model.newInstance(model)) {
            m.setBlock(Architectures.build(model, null));
            ModelArtifacts.initialize(m, 32);
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Image image = ImageFactory.getInstance().fromImage(img);
            try (Predictor<Image, Classifications> predictor = m.newPredictor(
                    CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                for (int i = 0; i < 50; i++) {
                    predictor.predict(image);
                }
                samples.add(Benchmark.Memory.residentMb());
                out.printf(Locale.ROOT, "infer 0: %.0f MiB%n", samples.get(0));
                for (int i = 1; i <= inferCalls; i++) {
                    predictor.predict(image);
                    if (i % every == 0) {
                        samples.add(Benchmark.Memory.residentMb());
                        out.printf(Locale.ROOT, "infer %d: %.0f MiB%n", i, samples.get(samples.size() - 1));
                    }
                }
            } catch (ai.djl.translate.TranslateException e) {
                throw new IllegalStateException(e);
            }
        }
        try (Model m = Model.newInstance(model)) {
            m.setBlock(Architectures.build(model, null));
            LrSchedule schedule = new LrSchedule(LrSchedule.Kind.CONSTANT, 0.01f, 1, 0);
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
                            samples.add(Benchmark.Memory.residentMb());
                            out.printf(Locale.ROOT, "train %d: %.0f MiB%n", step, samples.get(samples.size() - 1));
                        }
                    }
                    while (it.hasNext()) {
                        it.next().close();
                    }
                }
            }
        }
        return samples;
    }
}
