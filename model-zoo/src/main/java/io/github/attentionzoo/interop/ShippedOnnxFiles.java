package io.github.attentionzoo.interop;

import ai.djl.Model;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code NAME.onnx} beside every shipped model's parameters, from those parameters: the
 * build runs it after compiling, so the ONNX files in the jar are made from the shipped weights and
 * never kept as a second source of truth. Where a model's calibration ranges ({@value
 * ActivationRanges#FILE}) ship beside its weights, its int8 file {@code NAME-int8.onnx} is made too.
 * Last, it stamps the files ({@link PretrainedStore#writeStamps}), so that no start hashes them.
 */
public final class ShippedOnnxFiles {

    private ShippedOnnxFiles() {}

    /**
     * Exports every shipped model found under a resource directory.
     *
     * @param args the directory holding one sub-directory per shipped model ({@code NAME/NAME-0000.params},
     *     {@code NAME/attentionzoo.json}, {@code NAME/synset.txt} optional)
     * @throws IOException when a model cannot be read or its ONNX file written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ShippedOnnxFiles PRETRAINED_RESOURCE_DIR");
        }
        Path root = Path.of(args[0]);
        for (String name : Architectures.names()) {
            Path path = root.resolve(name);
            if (!Files.isRegularFile(path.resolve(ModelDirectory.METADATA))) {
                continue;
            }
            long t0 = System.nanoTime();
            ModelDirectory dir = ModelDirectory.open(path);
            try (Model model = dir.load(ModelDirectory.PYTORCH, null)) {
                Path out = path.resolve(Precision.FP32.onnxName(name));
                OnnxFiles.export(dir, model, null, out);
                System.out.printf(java.util.Locale.ROOT, "%s: %,d bytes in %d ms%n", out, Files.size(out), (System.nanoTime() - t0) / 1_000_000);
                Path ranges = path.resolve(ActivationRanges.FILE);
                if (Files.isRegularFile(ranges)) {
                    long t1 = System.nanoTime();
                    Path int8 = path.resolve(Precision.INT8.onnxName(name));
                    OnnxFiles.export(dir, model, ActivationRanges.read(ranges), int8);
                    System.out.printf(java.util.Locale.ROOT, "%s: %,d bytes in %d ms%n", int8, Files.size(int8),
                            (System.nanoTime() - t1) / 1_000_000);
                }
            }
            PretrainedStore.writeStamps(path, name);
        }
    }
}
