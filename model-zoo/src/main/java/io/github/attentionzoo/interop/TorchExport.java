package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelDescription;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes a zoo model's parameters as a PyTorch state_dict ({@code .npz}) under PyTorch's names. */
public final class TorchExport {

    private TorchExport() {}

    /**
     * Writes the parameters of a loaded model, atomically.
     *
     * @param model the model, loaded from a model directory
     * @param metadata its metadata (architecture and options give the names)
     * @param output the {@code .npz} file
     * @return the number of tensors written
     * @throws IOException naming {@code output} when it cannot be written
     * @throws IllegalArgumentException when the architecture has no PyTorch twin
     */
    public static int write(Model model, ModelDescription metadata, Path output) throws IOException {
        List<String> names = Architectures.torchLayouts(metadata.architecture(), metadata.options()).get(0);
        PairList<String, Parameter> params = model.getBlock().getParameters();
        NDList tensors = new NDList(names.size());
        for (int i = 0; i < names.size(); i++) {
            NDArray a = params.get(i).getValue().getArray().duplicate();
            a.setName(names.get(i));
            tensors.add(a);
        }
        try {
            AtomicFiles.write(output, out -> tensors.encode(out, NDList.Encoding.NPZ));
        } finally {
            tensors.close();
        }
        return names.size();
    }

    /**
     * Writes the parameters of a loaded model, atomically.
     *
     * @param model the model, loaded from a model directory
     * @param metadata its metadata (architecture and options give the names)
     * @param output the {@code .npz} file
     * @return the number of tensors written
     * @throws IOException naming {@code output} when it cannot be written
     * @deprecated use {@link #write(Model, ModelDescription, Path)}
     */
    @Deprecated
    public static int write(Model model, io.github.attentionzoo.zoo.ModelMetadata metadata, Path output)
            throws IOException {
        return write(model, metadata.toDescription(), output);
    }
}
