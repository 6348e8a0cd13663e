package io.github.attentionzoo.cli;

import io.github.attentionzoo.bench.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code soak}: a long run that prints resident memory as it goes. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Long run: single-image predictions then training steps, printing resident memory every N calls.")
final class SoakCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Architecture (default se_resnet20).")
    String model = "se_resnet20";

    @Mixin EngineOption engine;

    @Mixin PrecisionOption precision;

    @Option(names = "--infer", description = "Predictions (default 10000).")
    int infer = 10_000;

    @Option(names = "--train", description = "Training steps of batch 32 (default 2000).")
    int train = 2_000;

    @Option(names = "--every", description = "Print memory every N calls (default 1000).")
    int every = 1_000;

    @Override
    public Integer call() throws Exception {
        if (infer < 0 || train < 0 || every <= 0) {
            throw new IllegalArgumentException("--infer and --train must be >= 0 and --every > 0");
        }
        Soak.Readings rss = Soak.run(model, engine.name(), precision.get(engine), infer, train, every, System.out);
        report("inference", rss.infer());
        report("training", rss.train());
        return 0;
    }

    /** Prints a phase's levels and, where there are enough readings, the growth over its second half (past warm-up). */
    private static void report(String phase, List<Double> rss) {
        if (rss.isEmpty()) {
            return;
        }
        System.out.printf(Locale.ROOT, "%s resident memory: first %.0f MiB, last %.0f MiB, max %.0f MiB", phase,
                rss.get(0), rss.get(rss.size() - 1), rss.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        List<Double> secondHalf = rss.subList(rss.size() / 2, rss.size());
        if (secondHalf.size() >= 3) {
            System.out.printf(Locale.ROOT, "; sustained growth over the second half %.1f MiB",
                    Soak.sustainedGrowth(secondHalf));
        }
        System.out.println();
    }
}
