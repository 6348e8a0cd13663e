package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.interop.OnnxExport;
import io.github.attentionzoo.interop.OnnxInt8Export;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Precision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** ONNX files of model directories, for the commands that write or run them. */
final class OnnxExports {

    private OnnxExports() {}

    /** Exports a model directory's network, with its metadata as the file's metadata_props. */
    static void write(Path modelDir, Path output) throws IOException {
        ModelMetadata metadata = ModelMetadata.read(modelDir);
        try (Model model = ModelArtifacts.load(modelDir, null)) {
            OnnxExport.write(model.getBlock(), new Shape(3, metadata.inputSize, metadata.inputSize),
                    OnnxExport.metadata(metadata, CifarTranslatorFactory.synset(model)), output);
        }
    }

    /** Exports a model directory's network as int8 QDQ with the given activation ranges. */
    static void writeInt8(Path modelDir, ActivationRanges ranges, Path output) throws IOException {
        ModelMetadata metadata = ModelMetadata.read(modelDir);
        try (Model model = ModelArtifacts.load(modelDir, null)) {
            OnnxInt8Export.write(model.getBlock(), new Shape(3, metadata.inputSize, metadata.inputSize),
                    OnnxExport.metadata(metadata, CifarTranslatorFactory.synset(model)), ranges, output);
        }
    }

    /** The ONNX file a directory holds, or null. */
    static Path existing(Path modelDir) throws IOException {
        return ModelArtifacts.findOnnx(modelDir, ModelMetadata.read(modelDir).architecture);
    }

    /** A temporary model directory holding the model's ONNX file, metadata and class names. */
    static Path temporaryDirectory(Path modelDir) throws IOException {
        return temporaryDirectory(modelDir, null);
    }

    /**
     * A temporary model directory holding the model's ONNX file (int8 when ranges are given, from
     * them), metadata and class names.
     */
    static Path temporaryDirectory(Path modelDir, ActivationRanges int8) throws IOException {
        ModelMetadata metadata = ModelMetadata.read(modelDir);
        Path tmp = Files.createTempDirectory("attentionzoo-onnx");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AtomicFiles.deleteTree(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        if (int8 == null) {
            write(modelDir, tmp.resolve(metadata.architecture + ".onnx"));
        } else {
            writeInt8(modelDir, int8, tmp.resolve(Precision.INT8.onnxName(metadata.architecture)));
        }
        Path synset = modelDir.resolve(ModelArtifacts.SYNSET);
        if (Files.isRegularFile(synset)) {
            Files.copy(synset, tmp.resolve(ModelArtifacts.SYNSET));
        }
        metadata.write(tmp);
        return tmp;
    }
}
