package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code train}: trains a zoo architecture on CIFAR-10 with its recipe. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model on CIFAR-10 with the recipe its shipped weights were trained with (flags"
                + " override it).")
final class TrainCommand implements Callable<Integer> {

    @Mixin ArchitectureOption architecture;

    @Option(names = "--recipe", description = "zoo (the model's own, default: what its shipped weights were trained"
            + " with), he2016 (He et al. 2016's CIFAR recipe: momentum SGD, step decay, 164 epochs, weight decay"
            + " 1e-4) or fast (resnet20, se_resnet20, sk_resnet20: a short one-cycle run with label smoothing and"
            + " weight averaging, docs/training.md); flags override it.")
    String recipeName = Architectures.ZOO_RECIPE;

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

    @Option(names = "--ema", description = "Decay per step of the weights' moving average, which the run evaluates"
            + " and saves; 0 for none (default: the recipe's).")
    Float ema;

    @Option(names = "--no-se-decay", description = "Keep the SE excitation weights out of weight decay, which"
            + " otherwise can shrink whole SE blocks to a constant gate (default: the recipe's; se_resnet56's"
            + " recipe already does).")
    boolean noSeDecay;

    @Option(names = "--se-decay", description = "Let weight decay act on the SE excitation weights even where the"
            + " recipe keeps them out (se_resnet56).")
    boolean seDecay;

    @Option(names = "--limit", description = "Train on the first N training images only.")
    Long limit;

    @Mixin RunOptions run;

    @Option(names = "--print-recipe", description = "Print the recipe these flags give, and exit without training.")
    boolean printRecipe;

    @Option(names = "--json", description = "With --print-recipe: print the recipe, and the network for a model"
            + " with a PyTorch twin, as JSON (what training/gpu/train_torch.py trains from).")
    boolean json;

    @Option(names = "--threads", description = "Intra-op threads (default: one per core). Whether two runs"
            + " of 1 thread each beat one run on all cores depends on the CPU: measure with bench --mode train.")
    Integer threads;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String model = architecture.name();
        if (json && !printRecipe) {
            throw new IllegalArgumentException("--json: only with --print-recipe");
        }
        Recipe recipe = recipe(model);
        if (printRecipe) {
            System.out.println(json ? Architectures.recipeJson(model, recipeName, recipe, CommandLines.of(spec))
                    : recipe.toString());
            return 0;
        }
        EngineThreads.configure(threads);
        CifarSource source = CifarSource.resolve(data);
        var train = limit == null ? source.train() : source.train().limit(limit);
        Path out = run.output(model);
        @SuppressWarnings("deprecation") // TrainingRun fills in the training record of the mutable form.
        ModelMetadata metadata = ModelMetadata.untrained(model);
        try (Model m = ModelDirectory.newModel(ModelDescription.untrained(model), null)) {
            TrainingRun training = new TrainingRun(m, metadata, recipe, train, source.test(),
                    source.description() + (limit == null ? "" : " (first " + train.size() + " training images)"),
                    out, run.resuming(), run.seed).withOrigin(CommandLines.of(spec), null);
            RunOptions.printClosing(run.configure(training).run(), out, "");
        }
        return 0;
    }

    /** The model's named recipe with the flags' values in place of its own. */
    private Recipe recipe(String model) {
        if (noSeDecay && seDecay) {
            throw new IllegalArgumentException("--no-se-decay and --se-decay: choose one");
        }
        if ((noSeDecay || seDecay) && !TrainingRun.hasExcitation(Architectures.build(model, null))) {
            // Refused rather than ignored: the recipe text (and so the metadata) would claim it.
            throw new IllegalArgumentException((noSeDecay ? "--no-se-decay: " : "--se-decay: ") + model
                    + " has no SE block whose weight decay it could change");
        }
        Recipe base = Architectures.recipe(model, recipeName);
        Recipe.Builder b = base.toBuilder();
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (lr != null) {
            b.lr(lr);
        }
        if (schedule != null) {
            b.schedule(Recipe.Schedule.parse(schedule));
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        if (labelSmoothing != null) {
            b.labelSmoothing(labelSmoothing);
        }
        if (cutout != null) {
            b.cutout(cutout);
        }
        if (ema != null) {
            b.ema(ema);
        }
        if (noSeDecay || seDecay) {
            b.decayExcitation(seDecay);
        }
        return b.build();
    }
}
