package io.github.attentionzoo.cli;

import io.github.attentionzoo.train.Checkpoints;
import io.github.attentionzoo.train.TrainingRun;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** The options every training command shares ({@code train}, {@code finetune}), and their closing lines. */
final class RunOptions {

    @Option(names = "--output", description = "Output directory (default: runs/<model>, runs/<model>-finetune for finetune).")
    Path output;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Option(names = "--resume-from", paramLabel = "CHECKPOINT_DIR", description = "Continue from this checkpoint"
            + " (e.g. OUTPUT/checkpoints/epoch-0004) instead of the newest, when the newest is damaged.")
    Path resumeFrom;

    @Option(names = "--seed", description = "Seed of the initial weights (a new head's for finetune), the data order"
            + " and the augmentation (default 42).")
    long seed = 42;

    @Option(names = "--no-progress", description = "Do not draw the per-batch progress bar.")
    boolean noProgress;

    /** The output directory, or the default under {@code runs/}. */
    Path output(String defaultName) {
        return output != null ? output : Path.of("runs", defaultName);
    }

    /** Whether the run continues from a checkpoint. */
    boolean resuming() {
        return resume || resumeFrom != null;
    }

    /** Applies the log, progress bar and checkpoint choice to a run. */
    TrainingRun configure(TrainingRun run) {
        return run.withLog(System.out, !noProgress).withResumeFrom(resumeFrom);
    }

    /** The lines every training command ends with. */
    static void printClosing(Checkpoints.State state, Path output, String note) {
        double acc = state.history.isEmpty() ? Double.NaN : state.history.get(state.history.size() - 1).testAccuracy();
        System.out.printf(Locale.ROOT, "accuracy: %.4f%n", acc);
        System.out.println("model written to " + output.resolve("model") + note);
    }
}
