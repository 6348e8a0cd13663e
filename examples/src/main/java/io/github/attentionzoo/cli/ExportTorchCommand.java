package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.interop.TorchExport;
import io.github.attentionzoo.zoo.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code export-torch}: a model's parameters as a PyTorch state_dict in {@code .npz}. */
@Command(name = "export-torch", mixinStandardHelpOptions = true,
        description = "Write a model's parameters as a PyTorch state_dict (.npz, senet.pytorch names) for load_state_dict.")
final class ExportTorchCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin FileOutput output;

    @Override
    public Integer call() throws Exception {
        output.check(source);
        ModelDescription metadata = source.metadata();
        try (Model model = source.load()) {
            int n = TorchExport.write(model, metadata, output.file);
            System.out.println("wrote " + n + " tensors of " + metadata.architecture() + " to " + output.file
                    + " (options " + metadata.options() + ")");
        }
        return 0;
    }
}
