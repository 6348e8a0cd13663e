package io.github.attentionzoo.cli;

import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.train.EpochMetrics;
import io.github.attentionzoo.train.TrainingPlots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code plot}: redraws a run's training curves from its {@code metrics.csv}. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draw the training curves (PNG) of a metrics.csv in the format train writes.")
final class PlotCommand implements Callable<Integer> {

    @Option(names = "--metrics", required = true, description = "The metrics.csv to draw.")
    Path metrics;

    @Option(names = "--title", defaultValue = "training", description = "The chart's title, e.g. the model (default: ${DEFAULT-VALUE}).")
    String title;

    @Option(names = "--output", description = "The PNG to write (default: curves.png beside the CSV).")
    Path output;

    @Override
    public Integer call() throws Exception {
        var history = EpochMetrics.read(metrics);
        Path png = output != null ? output : metrics.toAbsolutePath().resolveSibling("curves.png");
        OutputGuard.writableFile(png, "--output");
        OutputGuard.notAnInput(png, "--output", metrics);
        TrainingPlots.curves(history, title, png);
        System.out.println("wrote " + png + " (" + history.size() + " epochs)");
        return 0;
    }
}
