package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX files of opened model directories ({@link ModelDirectory}): the network loaded once on
 * PyTorch and written as float32 ({@link OnnxExport}) or int8 QDQ ({@link OnnxInt8Export}), with
 * the directory's metadata and class names as the file's metadata_props. (The zoo package never
 * depends on this one, so these live here rather than on {@code ModelDirectory}.)
 */
public final class OnnxFiles {

    private OnnxFiles() {}

    /**
     * Exports a model directory's network as float32 ONNX.
     *
     * @param dir the opened directory (it needs PyTorch weights)
     * @param output the {@code .onnx} file
     * @throws IOException when the directory does not load or the file cannot be written
     */
    public static void export(ModelDirectory dir, Path output) throws IOException {
        export(dir, null, output);
    }

    /**
     * Exports a model directory's network as ONNX: int8 QDQ with activation ranges, else float32.
     *
     * @param dir the opened directory (it needs PyTorch weights)
     * @param int8 the activation ranges for an int8 file, or null for float32
     * @param output the {@code .onnx} file
     * @throws IOException when the directory does not load or the file cannot be written
     */
    public static void export(ModelDirectory dir, ActivationRanges int8, Path output) throws IOException {
        try (Model model = dir.load(ModelDirectory.PYTORCH, null)) {
            export(dir, model, int8, output);
        }
    }

    /**
     * Exports a network already loaded from a model directory.
     *
     * @param dir the directory
     * @param model its network, loaded on PyTorch
     * @param int8 the activation ranges for an int8 file, or null for float32
     * @param output the {@code .onnx} file
     * @throws IOException when the file cannot be written
     */
    public static void export(ModelDirectory dir, Model model, ActivationRanges int8, Path output) throws IOException {
        ModelDescription d = dir.metadata();
        Shape input = new Shape(3, d.inputSize(), d.inputSize());
        Map<String, String> props = metadataProps(d, dir);
        if (int8 == null) {
            OnnxExport.write(model.getBlock(), input, props, output);
        } else {
            OnnxInt8Export.write(model.getBlock(), input, props, int8, output);
        }
    }

    @SuppressWarnings("deprecation")
    private static Map<String, String> metadataProps(ModelDescription d, ModelDirectory dir) {
        return OnnxExport.metadata(io.github.attentionzoo.zoo.ModelMetadata.of(d), dir.classNames());
    }

    /**
     * Writes a temporary model directory holding a directory's model as ONNX (int8 when ranges are
     * given, from them), its metadata and class names; it is deleted when the JVM exits.
     *
     * @param dir the opened directory (it needs PyTorch weights)
     * @param int8 the activation ranges for an int8 file, or null for float32
     * @return the temporary directory, opened (nothing is read back)
     * @throws IOException when the directory does not load or the files cannot be written
     */
    public static ModelDirectory temporaryDirectory(ModelDirectory dir, ActivationRanges int8) throws IOException {
        ModelDescription d = dir.metadata();
        Path tmp = Files.createTempDirectory("attentionzoo-onnx");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AtomicFiles.deleteTree(tmp);
            } catch (IOException e) {
                // The JVM is ending: one line, not a stack trace, names what is left behind.
                System.err.println("note: could not remove " + tmp + ": " + e.getMessage());
            }
        }));
        Precision precision = int8 == null ? Precision.FP32 : Precision.INT8;
        export(dir, int8, tmp.resolve(precision.onnxName(d.architecture())));
        if (dir.hasFile(ModelDirectory.SYNSET)) {
            Files.copy(dir.path().resolve(ModelDirectory.SYNSET), tmp.resolve(ModelDirectory.SYNSET));
        }
        Files.writeString(tmp.resolve(ModelDirectory.METADATA), d.toJson());
        return ModelDirectory.written(tmp, d, dir.classNames());
    }
}
