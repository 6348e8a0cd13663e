package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.nn.Block;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.train.Checkpoints;
import io.github.attentionzoo.train.LrSchedule;
import io.github.attentionzoo.train.Recipe;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code train}: trains a zoo architecture on CIFAR-10 with its recipe. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model on CIFAR-10 with its named recipe (flags override it).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Architecture, e.g. se_resnet20.")
    String model;

    @Option(names = "--recipe", description = "zoo (the model's own, default) or he2016 (He et al. 2016's"
            + " CIFAR recipe: momentum SGD, step decay, 164 epochs, weight decay 1e-4); flags override it.")
    String recipeName = "zoo";

    @Option(names = "--data", description = "CIFAR-10 directory or archive, or 'embedded' (default: DJL download if online, else embedded).")
    String data;

    @Option(names = "--epochs", description = "Epochs (default: the recipe's).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Batch size (default: the recipe's).")
    Integer batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default: the recipe's).")
    Float lr;

    @Option(names = "--schedule", description = "cosine, step, onecycle or constant (default: the recipe's).")
    String schedule;

    @Option(names = "--weight-decay", description = "L2 coefficient (default: the recipe's, 5e-4 for the zoo's ResNets).")
    Float weightDecay;

    @Option(names = "--label-smoothing", description = "Label smoothing epsilon (default: the recipe's, 0).")
    Float labelSmoothing;

    @Option(names = "--cutout", description = "Cutout square side in pixels, 0 for none (default: the recipe's,"
            + " 16 for the zoo's ResNets, 0 for simple_cnn).")
    Integer cutout;

    @Option(names = "--no-se-decay", description = "Keep the SE excitation weights out of weight decay, which"
            + " otherwise can shrink whole SE blocks to a constant gate (default: they decay; SE models only).")
    boolean noSeDecay;

    @Option(names = "--limit", description = "Train on the first N training images only.")
    Long limit;

    @Option(names = "--output", description = "Output directory (default: runs/<model>).")
    Path output;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Option(names = "--seed", description = "Seed of the initial weights, data order and augmentation (default 42).")
    long seed = 42;

    @Option(names = "--no-progress", description = "Do not draw the per-batch progress bar.")
    boolean noProgress;

    @Option(names = "--print-recipe", description = "Print the recipe these flags give, and exit without training"
            + " (scripts that write metadata take the recipe's text from here).")
    boolean printRecipe;

    @Option(names = "--threads", description = "Intra-op threads (default: one per core). Whether two runs"
            + " of 1 thread each beat one run on all cores depends on the CPU: measure with bench --mode train.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        EngineThreads.configure(threads);
        ModelMetadata metadata = new ModelMetadata();
        metadata.architecture = model;
        Block net = Architectures.build(model, metadata.options);
        if (noSeDecay && !TrainingRun.hasExcitation(net)) {
            // Refused rather than ignored: the recipe text (and so the metadata) would claim it.
            throw new IllegalArgumentException(
                    "--no-se-decay: " + model + " has no SE block to keep out of weight decay");
        }
        if (limit != null && limit <= 0) {
            throw new IllegalArgumentException("--limit must be positive, got " + limit);
        }
        Recipe base = Recipe.named(model, recipeName)
                .with(epochs, batchSize, lr, schedule == null ? null : LrSchedule.Kind.parse(schedule));
        Recipe recipe = base.withRegularisation(labelSmoothing != null ? labelSmoothing : base.labelSmoothing(),
                cutout != null ? cutout : base.cutout()).withExcitationDecay(!noSeDecay)
                .withWeightDecay(weightDecay != null ? weightDecay : base.weightDecay());
        if (printRecipe) {
            System.out.println(recipe);
            return 0;
        }
        CifarSource source = CifarSource.resolve(data);
        var train = limit == null ? source.train() : source.train().limit(limit);
        Path out = output != null ? output : Path.of("runs", model);
        try (Model m = Model.newInstance(model)) {
            m.setBlock(net);
            Checkpoints.State state = new TrainingRun(m, metadata, recipe, train, source.test(),
                    source.description() + (limit == null ? "" : " (first " + train.size() + " training images)"),
                    out, resume, seed).withLog(System.out, !noProgress).run();
            double acc = state.history.isEmpty() ? Double.NaN
                    : state.history.get(state.history.size() - 1).testAccuracy();
            System.out.printf(Locale.ROOT, "accuracy: %.4f%n", acc);
            System.out.println("model written to " + out.resolve("model"));
        }
        return 0;
    }
}
