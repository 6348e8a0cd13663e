package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.data.CifarSource;
import io.github.attentionzoo.data.ImageFolder;
import io.github.attentionzoo.train.Checkpoints;
import io.github.attentionzoo.train.FineTuning;
import io.github.attentionzoo.train.Recipe;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.OutputGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--epochs", description = "Epochs (default 10).")
    int epochs = 10;

    @Option(names = "--batch-size", description = "Batch size (default 64).")
    int batchSize = 64;

    @Option(names = "--lr", description = "Head learning rate (default: a tenth of the model's recipe); the backbone gets a tenth of it.")
    Float lr;

    @Option(names = "--output", description = "Output directory (default: runs/<model>-finetune).")
    Path output;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Option(names = "--no-progress", description = "Do not draw the per-batch progress bar.")
    boolean noProgress;

    @Option(names = "--seed", description = "Seed of the new head's initial weights, data order and augmentation"
            + " (default 42).")
    long seed = 42;

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
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        FineTuning tuning = FineTuning.load(dir, n);
        Recipe base = Recipe.forModel(tuning.metadata().architecture);
        Recipe recipe = new Recipe(epochs, batchSize, lr != null ? lr : base.lr() / 10, base.schedule(), 0,
                base.optimizer(), base.momentum(), base.weightDecay(), base.decayNormAndBias(),
                base.decayExcitation(), 0f, 0);
        Path out = output != null ? output : Path.of("runs", tuning.metadata().architecture + "-finetune");
        OutputGuard.notAnInput(out, "--output", dir);
        try (Model model = tuning.model()) {
            TrainingRun run = new TrainingRun(model, tuning.metadata(), recipe, train, test, description, out, resume, seed)
                    .withLog(System.out, !noProgress)
                    .withSynset(n == classes.size() ? classes : CifarTranslator.defaultSynset(n));
            run.withLrScale(tuning.backboneLrScale());
            if (freezeBackbone) {
                run.withFrozen(tuning.backbone());
            }
            Checkpoints.State state = run.run();
            double acc = state.history.get(state.history.size() - 1).testAccuracy();
            System.out.printf(Locale.ROOT, "accuracy: %.4f%n", acc);
            System.out.println("model written to " + out.resolve("model") + (freezeBackbone ? " (backbone frozen)" : ""));
        }
        return 0;
    }
}
