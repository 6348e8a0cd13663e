package io.github.attentionzoo.cli;

import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.interop.OnnxFiles;
import io.github.attentionzoo.zoo.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code export-onnx}: a model as a standalone ONNX file. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Write a model as one ONNX file (opset 17, BatchNorm folded, dynamic batch axis, input 'input',"
                + " output 'logits'; class names, input size and normalization in its metadata_props); with --precision int8,"
                + " a statically quantized QDQ model.")
final class ExportOnnxCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin FileOutput output;

    @Mixin PrecisionOption precision;

    @Mixin CalibrationOptions calibration;

    @Override
    public Integer call() throws Exception {
        Path from = output.check(source);
        long t0 = System.nanoTime();
        if (precision.get() == Precision.INT8) {
            ActivationRanges ranges = calibration.ranges(source.opened());
            if (calibration.data != null) {
                // Kept beside the model so that the same int8 file can be made again without the images.
                Path rangesFile = rangesFile(output.file);
                OutputGuard.writableFile(rangesFile, "--output");
                OutputGuard.notAnInput(rangesFile, "--output", from);
                ranges.write(rangesFile);
                System.out.println("wrote " + rangesFile + " (" + ranges.tensors().size() + " activation ranges, "
                        + ranges.method + ")");
            }
            OnnxFiles.export(source.opened(), ranges, output.file);
        } else if (calibration.data != null) {
            throw new IllegalArgumentException("--calibration-data is for --precision int8");
        } else {
            OnnxFiles.export(source.opened(), output.file);
        }
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes, %d ms)%n", output.file, Files.size(output.file),
                (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }

    /** {@code NAME.onnx} → {@code NAME.int8-ranges.txt} beside it. */
    static Path rangesFile(Path onnx) {
        String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        return onnx.resolveSibling(name + "." + ActivationRanges.FILE);
    }
}
