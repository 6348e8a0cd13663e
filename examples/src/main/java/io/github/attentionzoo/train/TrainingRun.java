package io.github.attentionzoo.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.util.ProgressBar;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.app.OutputLock;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.BatchLoader;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Recipe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One training run: trains a model with a {@link Recipe} on every device the engine offers,
 * evaluates after each epoch, checkpoints atomically, keeps {@code metrics.csv} and {@code
 * curves.png} up to date, and writes the final model directory to {@code <output>/model}. With
 * {@code resume} it continues from the newest checkpoint exactly where it stopped: epoch, step,
 * optimizer state and schedule.
 *
 * <p>The run owns its output directory while it runs ({@link OutputLock}): a second run into the
 * same directory is refused rather than allowed to replace this one's results.
 */
@SuppressWarnings("deprecation") // its public constructor and record keep the mutable ModelMetadata
public final class TrainingRun {

    /** What a run writes into its output directory. */
    private static final Set<String> RUN_FILES = Set.of("checkpoints", "model", "metrics.csv", "curves.png",
            OutputLock.FILE);

    private final Model model;
    private final ModelMetadata metadata;
    private final Recipe recipe;
    private final CifarRecords train;
    private final CifarRecords test;
    private final Path output;
    private final boolean resume;
    private final long seed;
    private final String datasetName;
    private PrintStream log = System.out;
    private boolean progress = true;
    private Set<String> frozen = Set.of();
    private Consumer<EpochMetrics> onEpoch = m -> {};
    private Map<String, Float> lrScale = Map.of();
    private List<String> synset;
    private Path resumeFrom;
    private String command;
    private String provenance;

    /**
     * Creates a run.
     *
     * @param model the model, with its block set (fresh or with loaded weights)
     * @param metadata the metadata the final model directory gets (architecture and options)
     * @param recipe the hyper-parameters
     * @param train the training images
     * @param test the test images
     * @param datasetName how the data is described in the metadata
     * @param output the output directory
     * @param resume whether to continue from the newest checkpoint in {@code output}
     * @param seed the seed of the initial weights (a fresh run seeds the engine's generator with it), the data
     *     order and the augmentation
     */
    public TrainingRun(Model model, ModelMetadata metadata, Recipe recipe, CifarRecords train,
            CifarRecords test, String datasetName, Path output, boolean resume, long seed) {
        this.model = model;
        this.metadata = metadata;
        this.recipe = recipe;
        this.train = train;
        this.test = test;
        this.datasetName = datasetName;
        this.output = output;
        this.resume = resume;
        this.seed = seed;
    }

    /**
     * Sends progress lines to {@code log}, and turns the per-batch progress bar on or off.
     *
     * @param log where lines go
     * @param progressBar whether to draw DJL's progress bar
     * @return this run
     */
    public TrainingRun withLog(PrintStream log, boolean progressBar) {
        this.log = log;
        this.progress = progressBar;
        return this;
    }

    /**
     * Keeps the named parameters fixed (fine-tuning a frozen backbone).
     *
     * @param names parameter names as {@code Block.getParameters()} gives them
     * @return this run
     */
    public TrainingRun withFrozen(Set<String> names) {
        this.frozen = names;
        return this;
    }

    /**
     * Scales the learning rate of the named parameters (fine-tuning a backbone more gently).
     *
     * @param scales parameter name to factor
     * @return this run
     */
    public TrainingRun withLrScale(Map<String, Float> scales) {
        this.lrScale = scales;
        return this;
    }

    /**
     * Sets the class names the final model directory records (default: CIFAR-10's).
     *
     * @param names the class names
     * @return this run
     */
    public TrainingRun withSynset(List<String> names) {
        this.synset = names;
        return this;
    }

    /**
     * Continues from this checkpoint rather than the newest one (after the newest was damaged).
     *
     * @param checkpoint a checkpoint directory, or null for the newest
     * @return this run
     */
    public TrainingRun withResumeFrom(Path checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /**
     * Records how the weights came to be: the command that made them and, in words, where they
     * started from (e.g. "fine-tuned from se_resnet20").
     *
     * @param command the command line, or null
     * @param provenance the words, or null
     * @return this run
     */
    public TrainingRun withOrigin(String command, String provenance) {
        this.command = command;
        this.provenance = provenance;
        return this;
    }

    /**
     * Calls {@code listener} after each epoch (tests use it to stop a run part-way).
     *
     * @param listener the listener
     * @return this run
     */
    public TrainingRun onEpoch(Consumer<EpochMetrics> listener) {
        this.onEpoch = listener;
        return this;
    }

    /**
     * Tells whether a network has a {@link SqueezeExcitation} block, whose weights {@code train
     * --no-se-decay} could keep out of weight decay.
     *
     * @param block the network, initialized or not
     * @return whether it has one
     */
    public static boolean hasExcitation(Block block) {
        return !RecipeOptimizer.excitationParameterIds(block).isEmpty();
    }

    /**
     * Runs to the recipe's last epoch.
     *
     * @return the final state, with the metric history
     * @throws IOException when a checkpoint or output file cannot be written or read
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     */
    public Checkpoints.State run() throws IOException {
        // Checked before the first epoch: the run writes these names into <output> for hours, and the
        // final model replaces <output>/model whole.
        OutputGuard.onlyOwnFiles(output, "--output", RUN_FILES, "a training run's");
        OutputGuard.replaceableDirectory(output.resolve("model"), "--output", false);
        Checkpoints checkpoints = new Checkpoints(output);
        int stepsPerEpoch = stepsPerEpoch();
        if (resumeFrom != null) {
            // What can be refused without the output is refused before the lock creates it.
            checkpoints.verify(resumeFrom, "--resume-from");
        }
        if (recipe.ema() > 0) {
            // Refused before the lock creates the output; WeightAverage says why.
            WeightAverage.checkDevices(Engine.getInstance().getDevices().length);
        }
        Path made = AtomicFiles.firstMissing(output);
        OutputLock lock = OutputLock.acquire(output, "--output");
        boolean started = false;
        try {
            Path from = resumePoint(checkpoints);
            Checkpoints.State state = from == null ? freshState() : resumedState(from, stepsPerEpoch);
            started = true;
            trainEpochs(state, from, checkpoints, stepsPerEpoch);
            if (!state.history.isEmpty()) {
                ModelDirectory.write(model, output.resolve("model"), record(state).toDescription(), classNames());
            }
            return state;
        } finally {
            lock.close();
            if (!started && made != null) {
                // Refused before its first step: the directory this run made holds only the lock.
                Files.deleteIfExists(output.resolve(OutputLock.FILE));
                AtomicFiles.removeEmptyUpTo(output, made);
            }
        }
    }

    /** Full batches per epoch; the last partial batch is dropped. */
    private int stepsPerEpoch() {
        int steps = new BatchLoader(train, model.getNDManager(), recipe.batchSize(), true, true,
                Augmentation.NONE, 0).numBatches();
        if (steps == 0) {
            // This run would save its initial weights as trained.
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d training images make no full batch of %d: use a smaller --batch-size or more images",
                    train.size(), recipe.batchSize()));
        }
        return steps;
    }

    /** The checkpoint to continue from, or null to start afresh; a damaged one is refused by name. */
    private Path resumePoint(Checkpoints checkpoints) throws IOException {
        if (resumeFrom != null) {
            // Verified by run() before the lock.
            return resumeFrom;
        }
        Path latest = checkpoints.latest();
        if (!resume) {
            if (latest != null) {
                // Starting over would replace the checkpoints of a run that may have taken hours.
                throw new IllegalArgumentException(output + " already holds checkpoints of a run ("
                        + latest.getFileName() + "): pass --resume to continue it, or another --output");
            }
            return null;
        }
        if (latest == null) {
            log.println("no checkpoint in " + output + ", starting from scratch");
            return null;
        }
        String damage = checkpoints.damage(latest);
        if (damage == null) {
            return latest;
        }
        Path intact = checkpoints.newestIntactBefore(latest);
        throw new IllegalArgumentException("--resume: the newest checkpoint is damaged (" + damage + "); "
                + (intact != null ? "the newest intact one is " + intact + ": pass --resume-from " + intact
                        : "no intact checkpoint is left: start again with another --output"));
    }

    private Checkpoints.State freshState() {
        Checkpoints.State state = new Checkpoints.State();
        state.model = metadata.architecture;
        state.recipe = recipe.toJson();
        state.seed = seed;
        // The initial weights are drawn from the engine's generator: seeding it makes a fresh run repeatable.
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        return state;
    }

    /** Reads a checkpoint's state and weights, refusing one that another recipe or data set made. */
    private Checkpoints.State resumedState(Path from, int stepsPerEpoch) throws IOException {
        Checkpoints.State state = Checkpoints.readState(from);
        if (!state.model.equals(metadata.architecture)) {
            throw new IllegalArgumentException("checkpoint " + from + " is of " + state.model
                    + ", not " + metadata.architecture);
        }
        Recipe stored = state.recipe();
        if (!recipe.equals(stored)) {
            // The schedule depends on the whole recipe: continuing with another would not be a resume.
            throw new IllegalArgumentException("checkpoint " + from + " was trained with [" + stored
                    + "], not [" + recipe + "]: pass the same flags to --resume, or use another --output");
        }
        if (state.step != (long) state.epoch * stepsPerEpoch) {
            // The schedule is laid out in steps: other data would resume it at the wrong point.
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "checkpoint %s took %d steps in %d epochs, but %d training images give %d steps per"
                            + " epoch at batch size %d: resume with the same training data and --limit",
                    from, state.step, state.epoch, train.size(), stepsPerEpoch, recipe.batchSize()));
        }
        state.recipe = recipe.toJson();
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShape());
        Checkpoints.loadParameters(from, model);
        log.printf(Locale.ROOT, "resuming from %s (epoch %d, step %d)%n", from, state.epoch, state.step);
        return state;
    }

    private static Shape inputShape() {
        return new Shape(1, 3, CifarRecords.SIDE, CifarRecords.SIDE);
    }

    /** The recipe's optimizer for this run's block, rate factors and frozen parameters. */
    private StatefulOptimizer optimizer(int stepsPerEpoch, Device[] devices) {
        return RecipeOptimizer.build(recipe, model.getBlock(), lrScale, frozen, stepsPerEpoch, devices.length);
    }

    private void trainEpochs(Checkpoints.State state, Path from, Checkpoints checkpoints, int stepsPerEpoch)
            throws IOException {
        Device[] devices = Engine.getInstance().getDevices();
        StatefulOptimizer optimizer = optimizer(stepsPerEpoch, devices);
        PairList<String, Parameter> params = model.getBlock().getParameters();
        DefaultTrainingConfig config = new DefaultTrainingConfig(new SmoothedCrossEntropy(recipe.labelSmoothing()))
                .optDevices(devices)
                .optOptimizer(optimizer)
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        try (Trainer trainer = initialized(model.newTrainer(config));
                WeightAverage average = recipe.ema() > 0 ? new WeightAverage(trainer, recipe.ema()) : null) {
            if (from != null) {
                try (NDManager tmp = model.getNDManager().newSubManager()) {
                    optimizer.importState(Checkpoints.readOptimizerState(from, tmp), params, devices);
                    if (average != null) {
                        average.resumeTrained(Checkpoints.readTrained(from, tmp));
                    }
                }
            }
            log.printf(Locale.ROOT, "training %s on %d images (%s), testing on %d; devices %s; %s%n",
                    metadata.architecture, train.size(), datasetName, test.size(),
                    java.util.Arrays.toString(devices), recipe);
            for (int epoch = state.epoch; epoch < recipe.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double[] trainStats = trainEpoch(trainer, optimizer, average, state, epoch, stepsPerEpoch);
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                double[] testStats = evaluate(trainer, average, false);
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochMetrics m = new EpochMetrics(epoch + 1, trainStats[0], trainStats[1], testStats[0],
                        testStats[1], optimizer.currentLr(), train.size() / trainSeconds, seconds);
                state.epoch = epoch + 1;
                state.wallSeconds += seconds;
                state.history.add(m);
                try (NDManager tmp = model.getNDManager().newSubManager()) {
                    NDList optimizerState = optimizer.exportState(params, tmp);
                    if (average == null) {
                        checkpoints.save(model, optimizerState, null, state, record(state), classNames());
                    } else {
                        NDList trained = average.trainedWeights(tmp);
                        average.swapped(() -> {
                            checkpoints.save(model, optimizerState, trained, state, record(state), classNames());
                            return null;
                        });
                    }
                }
                writeMetrics(state);
                EpochMetrics best = state.history.stream().max(java.util.Comparator.comparingDouble(
                        EpochMetrics::testAccuracy)).orElse(m);
                // Time left from the mean epoch so far, resumed runs included: a person plans by it.
                double left = state.wallSeconds / state.epoch * (recipe.epochs() - state.epoch);
                log.printf(Locale.ROOT,
                        "epoch %d/%d: train loss %.4f acc %.4f | test loss %.4f acc %.4f (best %.4f, epoch %d)"
                                + " | lr %.4g | %.0f img/s | %.0f s | %s elapsed, about %s left%n",
                        m.epoch(), recipe.epochs(), m.trainLoss(), m.trainAccuracy(), m.testLoss(),
                        m.testAccuracy(), best.testAccuracy(), best.epoch(), m.lr(), m.imagesPerSecond(),
                        m.epochSeconds(), clock(state.wallSeconds), clock(left));
                if (state.epoch == recipe.epochs()) {
                    // Test-time augmentation is the evaluator's choice (evaluate --tta flip), stated beside the plain figure.
                    log.printf(Locale.ROOT, "test accuracy with flip test-time augmentation (evaluate --tta flip): %.4f%n",
                            evaluate(trainer, average, true)[1]);
                }
                onEpoch.accept(m);
            }
            if (average != null) {
                // The run's figures are the average's, so the model it saves is the average too.
                average.applyToModel();
            }
        }
    }

    private static Trainer initialized(Trainer trainer) {
        trainer.initialize(inputShape());
        return trainer;
    }

    /** Test loss and accuracy, of the weight average where the recipe keeps one. */
    private double[] evaluate(Trainer trainer, WeightAverage average, boolean flip) throws IOException {
        WeightAverage.Action<double[]> pass = () -> Evaluation.lossAndAccuracy(trainer, test, recipe.batchSize(), flip);
        return average == null ? pass.run() : average.swapped(pass);
    }

    /** Seconds as h:mm:ss, the way a person reads a long run's clock. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /**
     * Freezes the frozen parameters once the trainer has taken its first step. DJL's {@link
     * Trainer#step()} checks before its first update that the gradients do not sum to exactly zero,
     * and offers no way to skip that check; with only a softmax head trainable ({@code finetune
     * --freeze-backbone}) they do sum to zero in exact arithmetic (each sample's logit gradient sums
     * to zero over the classes), so the check failed at random on rounding. For that one step the
     * backbone takes part at a learning rate of 0, which changes nothing and gives the check real
     * gradients; from then on it is frozen and costs no backward pass.
     */
    private void freezeAfterFirstStep() {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (frozen.contains(p.getKey()) && p.getValue().requiresGradient()) {
                p.getValue().freeze(true);
            }
        }
    }

    /** Fills the metadata's training record (recipe, data, command, epochs, time, accuracy) from the run state. */
    private ModelMetadata record(Checkpoints.State state) {
        metadata.recipe = recipe;
        metadata.provenance = provenance;
        metadata.command = command;
        metadata.dataset = datasetName;
        metadata.epochs = state.epoch;
        metadata.trainingSeconds = state.wallSeconds;
        metadata.testAccuracy = state.history.get(state.history.size() - 1).testAccuracy();
        return metadata;
    }

    private List<String> classNames() {
        return synset != null ? synset : CifarTranslator.defaultSynset(metadata.numClasses());
    }

    private double[] trainEpoch(Trainer trainer, StatefulOptimizer optimizer, WeightAverage average,
            Checkpoints.State state, int epoch, int stepsPerEpoch) {
        Augmentation aug = Augmentation.STANDARD.withCutout(recipe.cutout());
        BatchLoader loader = new BatchLoader(train, trainer.getManager(), recipe.batchSize(), true, true,
                aug, seed * 1_000_003L + epoch);
        ProgressBar bar = progress ? new ProgressBar("epoch " + (epoch + 1), stepsPerEpoch) : null;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        int i = 0;
        for (Batch batch : loader) {
            try (batch) {
                optimizer.setStep(state.step);
                double[] result = step(trainer, batch);
                if (!frozen.isEmpty() && i == 0) {
                    freezeAfterFirstStep();
                }
                if (!Double.isFinite(result[0])) {
                    throw new TrainingDivergedException(String.format(Locale.ROOT,
                            "loss became %s at epoch %d, step %d (lr %.4g); stopped with the last good checkpoint"
                                    + " kept in %s. A resume repeats the same steps, so start a new run with a lower"
                                    + " --lr and another --output",
                            result[0], epoch + 1, state.step, optimizer.currentLr(), output));
                }
                lossSum += result[0] * batch.getSize();
                correct += (long) result[1];
                seen += batch.getSize();
                if (average != null) {
                    average.update(state.step);
                }
                state.step++;
            }
            if (bar != null) {
                bar.update(i);
            }
            i++;
        }
        if (bar != null) {
            bar.end();
        }
        return new double[] {lossSum / Math.max(1, seen), correct / (double) Math.max(1, seen)};
    }

    /**
     * One training step as the recipes run it: the batch split across the trainer's devices,
     * forward, loss, backward, then the optimizer's update. Stops before the update when the
     * loss is not finite, so a diverging step never reaches the parameters.
     *
     * @param trainer the trainer
     * @param batch the batch (not closed here)
     * @return {mean loss, correct predictions}
     */
    public static double[] step(Trainer trainer, Batch batch) {
        double lossSum = 0;
        long correct = 0;
        Batch[] splits = batch.split(trainer.getDevices(), false);
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList data = split.getData();
                NDList labels = split.getLabels();
                NDList preds = trainer.forward(data, labels);
                NDArray loss = trainer.getLoss().evaluate(labels, preds);
                float value = loss.getFloat();
                if (!Float.isFinite(value)) {
                    return new double[] {value, 0};
                }
                collector.backward(loss);
                lossSum += value * split.getSize();
                correct += Evaluation.correct(preds.head(), labels.head());
            }
        }
        trainer.step();
        return new double[] {lossSum / batch.getSize(), correct};
    }

    private void writeMetrics(Checkpoints.State state) throws IOException {
        StringBuilder csv = new StringBuilder(EpochMetrics.HEADER).append('\n');
        for (EpochMetrics m : state.history) {
            csv.append(m.toCsv()).append('\n');
        }
        AtomicFiles.write(output.resolve("metrics.csv"), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        TrainingPlots.curves(state.history, metadata.architecture + " on " + datasetName, output.resolve("curves.png"));
    }
}
