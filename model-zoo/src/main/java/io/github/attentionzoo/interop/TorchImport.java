package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.arch.TorchNames.SeNames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a PyTorch state_dict ({@code .npz} or {@code .safetensors}) of a zoo architecture into a
 * model directory: the layout is chosen by the tensor names it holds, the class count and SE
 * widths are read off the tensors, and every tensor is checked for shape and finite values before
 * anything is written.
 */
public final class TorchImport {

    private final String architecture;
    private final Integer numClasses;
    private final Integer reduction;
    private final Integer seMinHidden;

    private TorchImport(String architecture, Integer numClasses, Integer reduction, Integer seMinHidden) {
        Architectures.spec(architecture);
        this.architecture = architecture;
        this.numClasses = numClasses;
        this.reduction = reduction;
        this.seMinHidden = seMinHidden;
    }

    /**
     * Starts an import into one of the zoo's architectures; each size left null is read off the tensors.
     *
     * @param architecture the zoo name
     * @param numClasses the class count, or null to read it from {@code fc.weight}
     * @param reduction the SE reduction ratio, or null to infer it from the SE tensors
     * @param seMinHidden the SE minimum hidden width, or null to infer it
     * @return the import
     * @throws IllegalArgumentException when the architecture is unknown
     */
    public static TorchImport of(String architecture, Integer numClasses, Integer reduction, Integer seMinHidden) {
        return new TorchImport(architecture, numClasses, reduction, seMinHidden);
    }

    /**
     * Reads a state_dict and writes it as a model directory (replaced atomically).
     *
     * @param stateDict the {@code .npz} or {@code .safetensors} file
     * @param output the model directory
     * @return the number of tensors imported
     * @throws IOException when a file cannot be read or written
     * @throws IllegalArgumentException naming the tensors that are missing, misshapen or not finite
     */
    public int write(Path stateDict, Path output) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TorchStateDict dict = TorchStateDict.read(manager, stateDict);
            Architectures.Spec spec = Architectures.spec(architecture);
            NDArray fc = dict.get("fc.weight");
            int classes = numClasses != null ? numClasses : fc != null ? (int) fc.getShape().get(0) : spec.defaultClasses();
            Map<String, String> options = new LinkedHashMap<>();
            options.put("num_classes", Integer.toString(classes));
            inferSe(dict, options);
            ModelDescription metadata = ModelDescription.untrained(architecture, options)
                    .withProvenance("imported from PyTorch state_dict " + stateDict.getFileName());
            List<String> names = closest(Architectures.torchLayouts(architecture, metadata.options()), dict.names());
            try (Model m = ModelDirectory.newModel(metadata, null)) {
                ModelDirectory.initialize(m, metadata.inputSize());
                dict.loadInto(m.getBlock(), names);
                ModelDirectory.write(m, output, metadata, CifarTranslatorFactory.synset(m));
            }
            return names.size();
        }
    }

    /**
     * Returns the layout a state_dict uses: the one whose names it holds, or, when none matches
     * whole, the one it shares most names with (so that errors name the tensors of the layout the
     * user most likely meant).
     *
     * @param layouts the candidate layouts
     * @param keys the state_dict's tensor names
     * @return the layout
     */
    static List<String> closest(List<List<String>> layouts, Collection<String> keys) {
        Set<String> present = new HashSet<>(keys);
        List<String> best = null;
        long bestShared = -1;
        for (List<String> layout : layouts) {
            long shared = layout.stream().filter(present::contains).count();
            if (shared > bestShared) {
                best = layout;
                bestShared = shared;
            }
        }
        return best;
    }

    /** Reads the SE widths off the state dict, so senet.pytorch's C // r layout loads as is. */
    private void inferSe(TorchStateDict dict, Map<String, String> options) {
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
        int r = reduction != null ? reduction
                : ratioVisible ? Math.max(1, wideC / wideH) : SqueezeExcitation.DEFAULT_REDUCTION;
        int m = seMinHidden != null ? seMinHidden : narrowH > narrowC / r ? narrowH : 1;
        options.put("reduction", Integer.toString(r));
        options.put("se_min_hidden", Integer.toString(m));
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
