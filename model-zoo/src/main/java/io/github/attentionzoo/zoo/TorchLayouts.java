package io.github.attentionzoo.zoo;

import io.github.attentionzoo.nn.TorchStateDict;
import io.github.attentionzoo.nn.TorchStateDict.SeNames;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PyTorch names of a zoo architecture's parameters, in our order: senet.pytorch's CIFAR
 * (SE-)ResNet ({@code conv1, bn1, layerS.B.*, fc}), the same with {@code layerS.B.sk.*} for the
 * SK-ResNets (as {@code training/gpu/train_torch.py} names them) and SimpleCNN, whose SE block
 * is read under either of its two names ({@code conv1, se1.fc1, se1.fc2, fc} as the seed wrote it,
 * or {@code conv1, se.fc.0, se.fc.2, fc} with senet.pytorch's {@code SELayer}).
 */
public final class TorchLayouts {

    private TorchLayouts() {}

    /**
     * Returns the PyTorch names of an architecture's parameters, in the layout {@code export-torch}
     * writes.
     *
     * @param architecture the zoo name
     * @return the names, one per parameter in {@code Block.getParameters()} order
     * @throws IllegalArgumentException when no PyTorch layout is known for it
     */
    public static List<String> names(String architecture) {
        return layouts(architecture).get(0);
    }

    /**
     * Returns the layout of an architecture that a state_dict uses: the one whose names it holds,
     * or, when none matches whole, the one it shares most names with (so that errors name the
     * tensors of the layout the user most likely meant).
     *
     * @param architecture the zoo name
     * @param keys the state_dict's tensor names
     * @return the names, one per parameter in {@code Block.getParameters()} order
     * @throws IllegalArgumentException when no PyTorch layout is known for it
     */
    public static List<String> forStateDict(String architecture, Collection<String> keys) {
        Set<String> present = new HashSet<>(keys);
        List<String> best = null;
        long bestShared = -1;
        for (List<String> layout : layouts(architecture)) {
            long shared = layout.stream().filter(present::contains).count();
            if (shared > bestShared) {
                best = layout;
                bestShared = shared;
            }
        }
        return best;
    }

    /**
     * Returns every PyTorch layout known for an architecture, the one {@code export-torch} writes first.
     *
     * @param architecture the zoo name
     * @return the layouts, each one name per parameter in {@code Block.getParameters()} order
     * @throws IllegalArgumentException when no PyTorch layout is known for it
     */
    public static List<List<String>> layouts(String architecture) {
        if (architecture.equals("simple_cnn")) {
            return List.of(simpleCnn("se", SeNames.SENET), simpleCnn("se1", SeNames.FC1_FC2));
        }
        if (architecture.matches("(se_|sk_)?resnet(20|32|44|56|110)")) {
            int depth = Integer.parseInt(architecture.replaceAll("\\D", ""));
            boolean se = architecture.startsWith("se_");
            // The zoo's SK-ResNets put a two-branch SK unit (3x3 and dilated 5x5) in every block.
            int skBranches = architecture.startsWith("sk_") ? 2 : 0;
            int n = (depth - 2) / 6;
            List<String> names = new ArrayList<>(TorchStateDict.conv("conv1", false));
            names.addAll(TorchStateDict.batchNorm("bn1"));
            for (int stage = 1; stage <= 3; stage++) {
                for (int i = 0; i < n; i++) {
                    names.addAll(TorchStateDict.basicBlock(
                            "layer" + stage + "." + i, se, stage > 1 && i == 0, skBranches));
                }
            }
            names.addAll(TorchStateDict.conv("fc", true));
            return List.of(names);
        }
        throw new IllegalArgumentException("no PyTorch layout is known for '" + architecture
                + "'; import supports simple_cnn and the CIFAR (SE-)ResNets");
    }

    private static List<String> simpleCnn(String sePrefix, SeNames seNames) {
        List<String> names = new ArrayList<>(TorchStateDict.conv("conv1", true));
        names.addAll(TorchStateDict.squeezeExcitation(sePrefix, false, seNames));
        names.addAll(TorchStateDict.conv("fc", true));
        return names;
    }
}
