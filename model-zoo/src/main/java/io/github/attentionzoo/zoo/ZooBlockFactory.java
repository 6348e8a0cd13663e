package io.github.attentionzoo.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the network of a model directory from its {@value ModelMetadata#FILE}. Named as {@code
 * blockFactory} in the directory's {@code serving.properties}, it lets DJL's Criteria and DJL
 * Serving load the directory with no code of the caller's, and refuses one whose metadata,
 * weights and class names contradict each other.
 */
public class ZooBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** {@inheritDoc} */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
        Path dir = modelPath.toFile().isDirectory() ? modelPath : modelPath.getParent();
        ModelMetadata metadata = ModelMetadata.read(dir);
        if (ModelArtifacts.ONNX_RUNTIME.equals(model.getNDManager().getEngine().getEngineName())) {
            // The directory's .onnx is the network there; building ours would start libtorch for nothing.
            if (ModelArtifacts.findOnnx(dir, metadata.architecture) == null) {
                throw new NoSuchFileException(dir.toString(), null, "no .onnx file for OnnxRuntime: "
                        + metadata.architecture + (metadata.recipe == null && metadata.provenance == null
                                ? " ships no weights" : " was not exported to ONNX"));
            }
            ModelArtifacts.describe(model, metadata);
            return null;
        }
        // DJL loads the parameters itself after this returns, taking stored shapes as they are; a trial
        // load refuses, with one line, a directory whose metadata, weights and class names disagree.
        try (Model check = ModelArtifacts.load(dir, model.getNDManager().getDevice())) {
            CifarTranslatorFactory.synset(check);
        }
        ModelArtifacts.describe(model, metadata);
        return ModelArtifacts.newBlock(metadata);
    }
}
