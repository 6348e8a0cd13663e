package io.github.attentionzoo.zoo;

import io.github.attentionzoo.nn.TorchStateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch names of a zoo architecture's parameters, in our order: senet.pytorch's CIFAR
 * (SE-)ResNet ({@code conv1, bn1, layerS.B.*, fc}), the same with {@code layerS.B.sk.*} for the
 * SK-ResNets (as {@code training/gpu/train_torch.py} names them) and the seed's SimpleCNN ({@code
 * conv1, se.fc.0, se.fc.2, fc}).
 */
public final class TorchLayouts {

    private TorchLayouts() {}

    /**
     * Returns the PyTorch names of an architecture's parameters.
     *
     * @param architecture the zoo name
     * @return the names, one per parameter in {@code Block.getParameters()} order
     * @throws IllegalArgumentException when no PyTorch layout is known for it
     */
    public static List<String> names(String architecture) {
        if (architecture.equals("simple_cnn")) {
            List<String> names = new ArrayList<>(TorchStateDict.conv("conv1", true));
            names.addAll(TorchStateDict.squeezeExcitation("se", false));
            names.addAll(TorchStateDict.conv("fc", true));
            return names;
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
            return names;
        }
        throw new IllegalArgumentException("no PyTorch layout is known for '" + architecture
                + "'; import supports simple_cnn and the CIFAR (SE-)ResNets");
    }
}
