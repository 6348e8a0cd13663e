package io.github.attentionzoo.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the network of a model directory from its {@value ModelDirectory#METADATA}. Named as
 * {@code blockFactory} in the directory's {@code serving.properties}, it lets DJL's Criteria and
 * DJL Serving load the directory with no code of the caller's, and refuses one whose metadata,
 * weights and class names contradict each other.
 *
 * <p>The directory is opened once and its network built once: the parameters are read into that
 * network here, checked for size and shape, and DJL then reads them again into the same network.
 */
public class ZooBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** {@inheritDoc} */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
        Path path = modelPath.toFile().isDirectory() ? modelPath : modelPath.getParent();
        ModelDirectory dir = ModelDirectory.open(path);
        ModelDescription metadata = dir.metadata();
        if (ModelDirectory.ONNX_RUNTIME.equals(model.getNDManager().getEngine().getEngineName())) {
            // The directory's .onnx is the network there; building ours would start libtorch for nothing.
            if (!dir.hasOnnx(Precision.FP32)) {
                throw new NoSuchFileException(path.toString(), null, "no .onnx file for OnnxRuntime: "
                        + metadata.architecture() + (metadata.recipe() == null && metadata.provenance() == null
                                ? " ships no weights" : " was not exported to ONNX"));
            }
            ModelDirectory.describe(model, metadata);
            return null;
        }
        // DJL loads the parameters itself after this returns, taking stored shapes as they are; loading
        // them here first refuses, with one line, a directory whose metadata, weights and class names disagree.
        Block block = dir.newBlock();
        model.setBlock(block);
        dir.loadParameters(model);
        dir.classNames();
        ModelDirectory.describe(model, metadata);
        return block;
    }
}
