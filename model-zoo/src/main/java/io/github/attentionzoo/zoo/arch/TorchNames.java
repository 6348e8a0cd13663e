package io.github.attentionzoo.zoo.arch;

import io.github.attentionzoo.nn.SelectiveKernel;

import java.util.ArrayList;
import java.util.List;

/**
 * How PyTorch names the parameters of the layers this project builds (convolution, BatchNorm, SE,
 * Selective Kernel, the basic block), in DJL's parameter order: the vocabulary from which each
 * architecture spells out its PyTorch layout, and which import and export map onto.
 */
public final class TorchNames {

    private TorchNames() {}

    /**
     * Names of a convolution's tensors.
     *
     * @param prefix the module's name, e.g. {@code layer1.0.conv1}
     * @param bias whether it has a bias
     * @return the names
     */
    public static List<String> conv(String prefix, boolean bias) {
        return bias ? List.of(prefix + ".weight", prefix + ".bias") : List.of(prefix + ".weight");
    }

    /**
     * Names of a BatchNorm's tensors, in DJL's order (γ, β, running mean, running variance).
     *
     * @param prefix the module's name
     * @return the names
     */
    public static List<String> batchNorm(String prefix) {
        return List.of(prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var");
    }

    /** How a PyTorch SE module names its two linear layers (the excitation MLP). */
    public enum SeNames {
        /** senet.pytorch's {@code SELayer}: {@code fc = Sequential(Linear, ReLU, Linear, Sigmoid)}. */
        SENET("fc.0", "fc.2"),
        /** An {@code SEBlock} with a pooling mode: {@code fc_layers = Sequential(Linear, ReLU, Linear, Sigmoid)}. */
        FC_LAYERS("fc_layers.0", "fc_layers.2"),
        /** Two named linear layers, {@code fc1} and {@code fc2}, as in the seed SimpleCNN's SE block. */
        FC1_FC2("fc1", "fc2");

        private final String first;
        private final String second;

        SeNames(String first, String second) {
            this.first = first;
            this.second = second;
        }

        /**
         * Returns the name of the squeezing linear layer's weight below {@code prefix}.
         *
         * @param prefix the SE module's name, e.g. {@code layer1.0.se}; empty for a bare layer
         * @return e.g. {@code layer1.0.se.fc.0.weight}
         */
        public String firstWeight(String prefix) {
            return (prefix.isEmpty() ? "" : prefix + ".") + first + ".weight";
        }

        /**
         * Returns the prefix of the SE module whose squeezing weight this is, or null when the
         * tensor name is no such weight in this layout.
         *
         * @param tensorName a state_dict key
         * @return the module's prefix ("" for a bare layer), or null
         */
        public String prefixOf(String tensorName) {
            String suffix = first + ".weight";
            if (tensorName.equals(suffix)) {
                return "";
            }
            return tensorName.endsWith("." + suffix)
                    ? tensorName.substring(0, tensorName.length() - suffix.length() - 1) : null;
        }
    }

    /**
     * Names of senet.pytorch's {@code SELayer} ({@code fc.0}, {@code fc.2}).
     *
     * @param prefix the module's name, e.g. {@code layer1.0.se}; empty for a bare layer
     * @param bias whether its linear layers have biases
     * @return the names
     */
    public static List<String> squeezeExcitation(String prefix, boolean bias) {
        return squeezeExcitation(prefix, bias, SeNames.SENET);
    }

    /**
     * Names of an SE module's parameters in one of the PyTorch layouts (avg or max squeeze alike:
     * pooling has no parameters).
     *
     * @param prefix the module's name, e.g. {@code se1}; empty for a bare layer
     * @param bias whether its linear layers have biases
     * @param layout how the module names its linear layers
     * @return the names
     */
    public static List<String> squeezeExcitation(String prefix, boolean bias, SeNames layout) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>(conv(p + layout.first, bias));
        names.addAll(conv(p + layout.second, bias));
        return names;
    }

    /**
     * Names of senet.pytorch's {@code CifarSEBasicBlock} ({@code conv1, bn1, conv2, bn2, se,
     * downsample.0/1}), in {@link io.github.attentionzoo.nn.BasicBlock}'s order.
     *
     * @param prefix the module's name, e.g. {@code layer2.0}; empty for a bare block
     * @param se whether the block has SE
     * @param downsample whether it has a projection shortcut
     * @return the names
     */
    public static List<String> basicBlock(String prefix, boolean se, boolean downsample) {
        return basicBlock(prefix, se, downsample, 0);
    }

    /**
     * Names of a basic block whose first convolution may be a Selective Kernel unit named {@code
     * sk} (the SK-ResNet block of {@code training/gpu/train_torch.py}), in {@link io.github.attentionzoo.nn.BasicBlock}'s
     * order.
     *
     * @param prefix the module's name, e.g. {@code layer2.0}; empty for a bare block
     * @param se whether the block has SE
     * @param downsample whether it has a projection shortcut
     * @param skBranches the SK unit's kernel count, or 0 for a plain {@code conv1, bn1}
     * @return the names
     */
    public static List<String> basicBlock(String prefix, boolean se, boolean downsample, int skBranches) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>();
        if (skBranches > 0) {
            names.addAll(selectiveKernel(p + "sk", skBranches, false, true));
        } else {
            names.addAll(conv(p + "conv1", false));
            names.addAll(batchNorm(p + "bn1"));
        }
        names.addAll(conv(p + "conv2", false));
        names.addAll(batchNorm(p + "bn2"));
        if (se) {
            names.addAll(squeezeExcitation(p + "se", false));
        }
        if (downsample) {
            names.addAll(conv(p + "downsample.0", false));
            names.addAll(batchNorm(p + "downsample.1"));
        }
        return names;
    }

    /**
     * Names of the seed's {@code SKAttention}, for a {@link io.github.attentionzoo.nn.SelectiveKernel} built with {@code
     * optConvBias(true).optFuseNormAct(false)}.
     *
     * @param prefix the module's name; empty for a bare layer
     * @param branches the number of kernels
     * @return the names
     */
    public static List<String> selectiveKernel(String prefix, int branches) {
        return selectiveKernel(prefix, branches, true, false);
    }

    /**
     * Names of a {@link io.github.attentionzoo.nn.SelectiveKernel}'s tensors ({@code convs.i.conv/bn}, {@code fc}, {@code
     * fc_bn} when the fuse layer has BatchNorm, {@code fcs.i}).
     *
     * @param prefix the module's name; empty for a bare layer
     * @param branches the number of kernels
     * @param convBias whether the branch convolutions have biases ({@code optConvBias})
     * @param fuseNormAct whether the fuse layer is followed by BatchNorm and ReLU ({@code optFuseNormAct})
     * @return the names
     */
    public static List<String> selectiveKernel(String prefix, int branches, boolean convBias, boolean fuseNormAct) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            names.addAll(conv(p + "convs." + i + ".conv", convBias));
            names.addAll(batchNorm(p + "convs." + i + ".bn"));
        }
        names.addAll(conv(p + "fc", !fuseNormAct));
        if (fuseNormAct) {
            names.addAll(batchNorm(p + "fc_bn"));
        }
        for (int i = 0; i < branches; i++) {
            names.addAll(conv(p + "fcs." + i, true));
        }
        return names;
    }
}
