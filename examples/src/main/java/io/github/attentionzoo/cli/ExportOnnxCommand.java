package io.github.attentionzoo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code export-onnx}: a model as a standalone ONNX file. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Write a model as one ONNX file (opset 17, BatchNorm folded, dynamic batch axis, input 'input',"
                + " output 'logits'; class names, input size and normalization in its metadata_props).")
final class ExportOnnxCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin FileOutput output;

    @Override
    public Integer call() throws Exception {
        Path from = output.check(source);
        long t0 = System.nanoTime();
        OnnxExports.write(from, output.file);
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes, %d ms)%n", output.file, Files.size(output.file),
                (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }
}
