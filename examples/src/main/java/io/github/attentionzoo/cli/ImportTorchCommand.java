package io.github.attentionzoo.cli;

import io.github.attentionzoo.interop.TorchImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code import-torch}: a PyTorch state_dict into a model directory. */
@Command(name = "import-torch", mixinStandardHelpOptions = true,
        description = "Import a PyTorch state_dict (.npz or .safetensors) of simple_cnn or a CIFAR ResNet, SE-ResNet or SK-ResNet"
                + " into a model directory.")
final class ImportTorchCommand implements Callable<Integer> {

    @Mixin ArchitectureOption architecture;

    @Option(names = "--state-dict", required = true, description = "The state_dict as .npz (numpy savez) or .safetensors.")
    Path stateDict;

    @Mixin DirectoryOutput output;

    @Option(names = "--num-classes", description = "Classes (default: read from fc.weight).")
    Integer numClasses;

    @Option(names = "--reduction", description = "SE reduction ratio (default: inferred, else 16).")
    Integer reduction;

    @Option(names = "--se-min-hidden", description = "SE minimum hidden width (default: inferred; 1 for senet.pytorch).")
    Integer seMinHidden;

    @Override
    public Integer call() throws Exception {
        TorchImport torch = TorchImport.of(architecture.name(), numClasses, reduction, seMinHidden);
        output.check(stateDict);
        int tensors = torch.write(stateDict, output.dir);
        System.out.println("imported " + tensors + " tensors of " + stateDict + " into " + output.dir);
        return 0;
    }
}
