package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.data.ImageFolder;
import io.github.attentionzoo.train.FineTuning;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code finetune}: continue training a pretrained model, or adapt it to other classes. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a pretrained model on CIFAR-10 or on an image folder of class sub-directories.")
final class FinetuneCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Option(names = "--data", required = true, description = "CIFAR-10 directory/archive, 'embedded', or an image folder (DIR/<class>/*.png).")
    String data;

    @Option(names = "--num-classes", description = "Classes of the new task (default: the data's).")
    Integer numClasses;

    @Option(names = "--freeze-backbone", description = "Train the classifier only.")
    boolean freezeBackbone;

    @Option(names = "--epochs", description = "Epochs (default: enough for " + FineTuning.MIN_STEPS + " steps, at least 10).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Batch size (default: 64, halved down to 8 until an epoch holds 8 steps).")
    Integer batchSize;

    @Option(names = "--lr", description = "Head learning rate (default: a tenth of the model's recipe); the backbone gets a tenth of it.")
    Float lr;

    @Mixin RunOptions run;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = source.directory();
        CifarRecords train;
        CifarRecords test;
        List<String> classes;
        String description;
        if (!data.equals(CifarSource.EMBEDDED) && ImageFolder.looksLikeImageFolder(Path.of(data))) {
            ImageFolder folder = ImageFolder.load(Path.of(data), CifarRecords.SIDE);
            train = folder.train();
            test = folder.test();
            classes = folder.classes();
            description = "image folder " + data + " (" + classes.size() + " classes)";
        } else {
            CifarSource cifar = CifarSource.resolve(data);
            train = cifar.train();
            test = cifar.test();
            classes = CifarTranslator.CLASSES;
            description = cifar.description();
        }
        int n = numClasses != null ? numClasses : classes.size();
        if (n < classes.size()) {
            throw new IllegalArgumentException("--num-classes " + n + " is fewer than the data's " + classes.size() + " classes");
        }
        // A new head's weights are drawn when the model is loaded, before TrainingRun seeds the engine.
        Engine.getInstance().setRandomSeed(Long.hashCode(run.seed));
        FineTuning tuning = FineTuning.load(source.opened(), n);
        ModelDescription from = tuning.description();
        Recipe base = from.recipe() != null ? from.recipe() : Architectures.spec(from.architecture()).recipe();
        Recipe recipe = FineTuning.recipe(base, train.size(), epochs, batchSize, lr);
        warnIfShort(recipe, train.size());
        Path out = run.output(from.architecture() + "-finetune");
        OutputGuard.notAnInput(out, "--output", dir);
        @SuppressWarnings("deprecation") // TrainingRun fills in the training record of the mutable form.
        io.github.attentionzoo.zoo.ModelMetadata tuned = io.github.attentionzoo.zoo.ModelMetadata.of(from);
        try (Model model = tuning.model()) {
            TrainingRun training = new TrainingRun(model, tuned, recipe, train, test, description, out,
                    run.resuming(), run.seed)
                    .withSynset(n == classes.size() ? classes : CifarTranslator.defaultSynset(n))
                    .withOrigin(CommandLines.of(spec), "fine-tuned from " + source.describe()
                            + (freezeBackbone ? " with its backbone frozen" : ""))
                    .withLrScale(tuning.backboneLrScale());
            if (freezeBackbone) {
                training.withFrozen(tuning.backbone());
            }
            RunOptions.printClosing(run.configure(training).run(), out, freezeBackbone ? " (backbone frozen)" : "");
        }
        return 0;
    }

    /** Says so when a run is too short to move a pretrained network, before it starts. */
    private static void warnIfShort(Recipe recipe, int images) {
        long steps = (long) recipe.epochs() * (images / recipe.batchSize());
        if (steps < FineTuning.MIN_STEPS / 3) {
            System.out.printf(Locale.ROOT, "warning: %d epochs of %d images at batch size %d are only %d optimizer"
                    + " steps, too few to learn much; drop --epochs (the default gives %d steps) or lower --batch-size%n",
                    recipe.epochs(), images, recipe.batchSize(), steps, FineTuning.MIN_STEPS);
        }
    }
}
