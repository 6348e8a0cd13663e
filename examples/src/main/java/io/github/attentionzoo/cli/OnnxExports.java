package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.interop.OnnxExport;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;

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

    /** The ONNX file a directory holds, or null. */
    static Path existing(Path modelDir) throws IOException {
        return ModelArtifacts.findOnnx(modelDir, ModelMetadata.read(modelDir).architecture);
    }

    /** A temporary model directory holding the model's ONNX file, metadata and class names. */
    static Path temporaryDirectory(Path modelDir) throws IOException {
        ModelMetadata metadata = ModelMetadata.read(modelDir);
        Path tmp = Files.createTempDirectory("attentionzoo-onnx");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AtomicFiles.deleteTree(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        write(modelDir, tmp.resolve(metadata.architecture + ".onnx"));
        Path synset = modelDir.resolve(ModelArtifacts.SYNSET);
        if (Files.isRegularFile(synset)) {
            Files.copy(synset, tmp.resolve(ModelArtifacts.SYNSET));
        }
        metadata.write(tmp);
        return tmp;
    }
}
