package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.quantize.Calibration;
import io.github.attentionzoo.zoo.ModelDirectory;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where an int8 export's activation ranges come from: measured now on CIFAR-10 training images
 * ({@code --calibration-data}), or the model directory's {@value ActivationRanges#FILE}.
 */
final class CalibrationOptions {

    @Option(names = "--calibration-data", paramLabel = "DIR", description = "With --precision int8: measure the"
            + " activation ranges on CIFAR-10 training images (data_batch_*.bin; the test set is never used) in DIR"
            + " or its cifar-10-binary.tar.gz. Default: the model directory's " + ActivationRanges.FILE + ".")
    Path data;

    @Option(names = "--calibration-images", paramLabel = "N",
            description = "Training images calibration runs (default ${DEFAULT-VALUE}).")
    int images = 2000;

    @Option(names = "--calibration-seed", paramLabel = "SEED",
            description = "Seed that chooses the calibration images (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--calibration-percentile", paramLabel = "P", description = "100 (default) keeps each"
            + " tensor's min/max; below 100 clips each tail at that percentile (e.g. 99.99).")
    double percentile = 100;

    /** The ranges for a model directory: calibrated now, or read from the directory. */
    ActivationRanges ranges(ModelDirectory dir) throws IOException {
        Path modelDir = dir.path();
        if (data == null) {
            Path file = modelDir.resolve(ActivationRanges.FILE);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--precision int8: " + modelDir + " has no " + ActivationRanges.FILE
                        + "; measure the ranges with --calibration-data DIR (CIFAR-10 training images)");
            }
            return ActivationRanges.read(file);
        }
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("--calibration-percentile " + percentile + ": use a value in (50, 100]");
        }
        CifarRecords train = CifarRecords.load(data, true);
        long t0 = System.nanoTime();
        ActivationRanges r;
        try (Model model = dir.load(ModelDirectory.PYTORCH, null)) {
            r = Calibration.run(model.getBlock(), dir.metadata().inputSize(), train, images, seed, percentile,
                    "CIFAR-10 training images (data_batch_1..5)");
        }
        System.err.printf(Locale.ROOT, "calibrated %d tensors on %d training images (%s) in %.1f s%n",
                r.tensors().size(), images, r.method, (System.nanoTime() - t0) / 1e9);
        return r;
    }
}
