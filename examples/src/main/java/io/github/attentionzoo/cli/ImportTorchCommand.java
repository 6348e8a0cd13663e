package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.attentionzoo.nn.TorchStateDict;
import io.github.attentionzoo.nn.TorchStateDict.SeNames;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.OutputGuard;
import io.github.attentionzoo.zoo.TorchLayouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code import-torch}: a PyTorch state_dict into a model directory. */
@Command(name = "import-torch", mixinStandardHelpOptions = true,
        description = "Import a PyTorch state_dict (.npz or .safetensors) of simple_cnn or a CIFAR ResNet, SE-ResNet or SK-ResNet"
                + " into a model directory.")
final class ImportTorchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Architecture: simple_cnn, resnet20, se_resnet20, se_resnet32, ...")
    String model;

    @Option(names = "--state-dict", required = true, description = "The state_dict as .npz (numpy savez) or .safetensors.")
    Path stateDict;

    @Option(names = "--output", required = true, description = "The model directory to write (replaced atomically).")
    Path output;

    @Option(names = "--force", description = "Replace --output even when it holds files that are not a model directory's.")
    boolean force;

    @Option(names = "--num-classes", description = "Classes (default: read from fc.weight).")
    Integer numClasses;

    @Option(names = "--reduction", description = "SE reduction ratio (default: inferred, else 16).")
    Integer reduction;

    @Option(names = "--se-min-hidden", description = "SE minimum hidden width (default: inferred; 1 for senet.pytorch).")
    Integer seMinHidden;

    @Override
    public Integer call() throws Exception {
        Architectures.Spec spec = Architectures.spec(model);
        OutputGuard.notAnInput(output, "--output", stateDict);
        OutputGuard.replaceableDirectory(output, "--output", force);
        try (NDManager manager = NDManager.newBaseManager()) {
            TorchStateDict dict = TorchStateDict.read(manager, stateDict);
            List<String> names = TorchLayouts.forStateDict(model, dict.names());
            ModelMetadata metadata = new ModelMetadata();
            metadata.architecture = model;
            metadata.inputSize = spec.inputSize();
            NDArray fc = dict.get("fc.weight");
            int classes = numClasses != null ? numClasses : fc != null ? (int) fc.getShape().get(0) : spec.defaultClasses();
            metadata.options.put("num_classes", Integer.toString(classes));
            inferSe(dict, metadata);
            metadata.recipe = "imported from PyTorch state_dict " + stateDict.getFileName();
            try (Model m = Model.newInstance(model)) {
                m.setBlock(ModelArtifacts.newBlock(metadata));
                ModelArtifacts.describe(m, metadata);
                ModelArtifacts.initialize(m, metadata.inputSize);
                dict.loadInto(m.getBlock(), names);
                ModelArtifacts.save(m, output, metadata, CifarTranslatorFactory.synset(m));
            }
            System.out.println("imported " + names.size() + " tensors of " + stateDict + " into " + output);
        }
        return 0;
    }

    /** Reads the SE widths off the state dict, so senet.pytorch's C // r layout loads as is. */
    private void inferSe(TorchStateDict dict, ModelMetadata metadata) {
        int narrowC = Integer.MAX_VALUE;
        int narrowH = 0;
        int wideC = 0;
        int wideH = 0;
        for (String name : dict.names()) {
            if (isSeSqueezeWeight(name)) {
                int h = (int) dict.get(name).getShape().get(0);
                int c = (int) dict.get(name).getShape().get(1);
                if (c < narrowC) {
                    narrowC = c;
                    narrowH = h;
                }
                if (c > wideC) {
                    wideC = c;
                    wideH = h;
                }
            }
        }
        // Two widths give the ratio where the minimum does not bind; one width (SimpleCNN) gives it directly.
        boolean ratioVisible = wideH > 0 && (wideH != narrowH || wideC == narrowC);
        int r = reduction != null ? reduction : ratioVisible ? Math.max(1, wideC / wideH) : 16;
        int m = seMinHidden != null ? seMinHidden : narrowH > narrowC / r ? narrowH : 1;
        metadata.options.put("reduction", Integer.toString(r));
        metadata.options.put("se_min_hidden", Integer.toString(m));
    }

    /** Whether a tensor is the first linear layer of an SE module, in any of the layouts import reads. */
    private static boolean isSeSqueezeWeight(String name) {
        for (SeNames layout : SeNames.values()) {
            String prefix = layout.prefixOf(name);
            if (prefix != null && prefix.matches("(.*\\.)?se\\d*")) {
                return true;
            }
        }
        return false;
    }
}
