package io.github.attentionzoo.cli;

import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bench}: images/s, latency percentiles and memory of a zoo model. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark inference (Predictor) or training (the recipes' step) of a zoo model.")
final class BenchCommand implements Callable<Integer> {

    @Mixin ArchitectureOption architecture;

    @Mixin EngineOption engine;

    @Mixin PrecisionOption precision;

    @Option(names = "--mode", required = true, description = "infer or train.")
    String mode;

    @Option(names = "--batch-size", description = "Images per step (default 128).")
    int batchSize = 128;

    @Option(names = "--threads", description = "Intra-op threads (default: the engine's, the core count).")
    Integer threads;

    @Option(names = "--seconds", description = "Least timed duration after warm-up (default 10).")
    double seconds = 10;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Option(names = "--profile", paramLabel = "TRACE.json",
            description = "After timing, record a few more steps with libtorch's operator profiler into this"
                    + " Chrome trace (examples/bench/profile.py compares it with PyTorch's).")
    Path profile;

    @Override
    public Integer call() throws Exception {
        if (profile != null) {
            OutputGuard.writableFile(profile, "--profile");
        }
        int n = EngineThreads.configure(threads);
        Benchmark.Result r = Benchmark.run(architecture.name(), engine.name(), precision.get(engine), mode, batchSize, n, seconds, 5, profile);
        System.out.println(json ? r.toJson() : Benchmark.describe(r));
        return 0;
    }
}
