package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import io.github.attentionzoo.zoo.AtomicFiles;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.OutputGuard;
import io.github.attentionzoo.zoo.TorchLayouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code export-torch}: a model's parameters as a PyTorch state_dict in {@code .npz}. */
@Command(name = "export-torch", mixinStandardHelpOptions = true,
        description = "Write a model's parameters as a PyTorch state_dict (.npz, senet.pytorch names) for load_state_dict.")
final class ExportTorchCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Option(names = "--output", required = true, description = "The .npz file to write (atomically).")
    Path output;

    @Override
    public Integer call() throws Exception {
        OutputGuard.writableFile(output, "--output");
        OutputGuard.notAnInput(output, "--output", source.directory());
        ModelMetadata metadata = source.metadata();
        List<String> names = TorchLayouts.names(metadata.architecture);
        try (Model model = source.load()) {
            PairList<String, Parameter> params = model.getBlock().getParameters();
            NDList tensors = new NDList(names.size());
            for (int i = 0; i < names.size(); i++) {
                NDArray a = params.get(i).getValue().getArray().duplicate();
                a.setName(names.get(i));
                tensors.add(a);
            }
            AtomicFiles.write(output, out -> tensors.encode(out, NDList.Encoding.NPZ));
            System.out.println("wrote " + names.size() + " tensors of " + metadata.architecture + " to " + output
                    + " (options " + metadata.options + ")");
        }
        return 0;
    }
}
