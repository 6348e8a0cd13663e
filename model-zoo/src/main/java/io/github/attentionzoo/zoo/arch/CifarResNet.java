package io.github.attentionzoo.zoo.arch;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.attentionzoo.nn.ConvBnAct;
import io.github.attentionzoo.nn.Attention;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.NamedSequentialBlock;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.SqueezeExcitation;

import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR ResNets of He et al. (2016, section 4.2): 6n + 2 layers, a 3×3 stem of 16 channels,
 * three stages of n basic blocks at 16, 32 and 64 channels (stride 2 between stages), global
 * average pooling and a linear classifier. SE and SK variants swap the block, nothing else.
 *
 * <p>Shortcuts that change shape are 1×1 projections (senet.pytorch's layout, option B of the
 * paper), so ResNet-20 has 272,474 parameters rather than the paper's 0.27 M with option A.
 */
public final class CifarResNet {

    /** The name every block's parameters are found under, from when the block class had this name. */
    static final String BLOCK_NAME = "SEBasicBlock";
    /** The name every stage's parameters are found under, as DJL names a plain sequence. */
    static final String STAGE_NAME = "SequentialBlock";

    private CifarResNet() {}

    /**
     * Returns the PyTorch names of a CIFAR ResNet's parameters in this builder's order:
     * senet.pytorch's {@code conv1, bn1, layerS.B.*, fc}, with {@code layerS.B.sk.*} for the SK
     * unit (as {@code training/gpu/train_torch.py} names it).
     *
     * @param depth the depth, 6n + 2
     * @param se whether the blocks carry SE
     * @param skBranches the SK unit's branches, 0 for none
     * @return one name per parameter
     */
    public static List<String> torchNames(int depth, boolean se, int skBranches) {
        int n = (depth - 2) / 6;
        List<String> names = new ArrayList<>(TorchNames.conv("conv1", false));
        names.addAll(TorchNames.batchNorm("bn1"));
        for (int stage = 1; stage <= 3; stage++) {
            for (int i = 0; i < n; i++) {
                names.addAll(TorchNames.basicBlock("layer" + stage + "." + i, se, stage > 1 && i == 0, skBranches));
            }
        }
        names.addAll(TorchNames.conv("fc", true));
        return names;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a CIFAR ResNet. */
    public static final class Builder extends ResNetOptions<Builder> {
        private int seMinHidden = SqueezeExcitation.DEFAULT_MIN_HIDDEN;
        private int[] skKernels;
        private int baseWidth = 16;

        Builder() {
            super(20, 10, false);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the SE bottleneck's minimum width (default 8; 1 reproduces senet.pytorch).
         *
         * @param seMinHidden the minimum width
         * @return this builder
         */
        public Builder optSeMinHidden(int seMinHidden) {
            this.seMinHidden = seMinHidden;
            return this;
        }

        /**
         * Makes the first convolution of every block a Selective Kernel unit with these kernel
         * sizes (SK-ResNet); null (default) keeps plain convolutions.
         *
         * @param kernels the SK kernel sizes, or null
         * @return this builder
         */
        public Builder optSelectiveKernel(int... kernels) {
            this.skKernels = kernels == null ? null : kernels.clone();
            return this;
        }

        /**
         * Sets the width of the first stage (default 16; the stages double it twice).
         *
         * @param baseWidth the first stage's channels
         * @return this builder
         */
        public Builder optBaseWidth(int baseWidth) {
            this.baseWidth = baseWidth;
            return this;
        }

        /**
         * Describes the network this builder builds, as data a PyTorch twin builds the same network
         * from ({@code training/gpu/train_torch.py}): {@code family} ({@code cifar_resnet}), {@code
         * depth}, {@code blocksPerStage}, {@code widths} (stem and stage channels), {@code block}
         * ({@code basic}: conv-BN-ReLU, conv-BN, attention, addition, ReLU), {@code shortcut}
         * ({@code projection}: 1×1 conv and BN where the shape changes), {@code numClasses}, and,
         * where the blocks carry them, {@code se} ({@code reduction}, {@code minHidden}: hidden width
         * min(C, max(minHidden, C / reduction)), no biases) and {@code sk} ({@code kernels}, {@code
         * dilated}, {@code reduction}, {@code minHidden}: fused width max(minHidden, C / reduction)).
         *
         * @return the description
         * @throws IllegalArgumentException as {@link #build()} for options it would refuse
         */
        public JsonObject describe() {
            validate();
            JsonObject o = new JsonObject();
            o.addProperty("family", "cifar_resnet");
            o.addProperty("depth", depth);
            o.addProperty("blocksPerStage", (depth - 2) / 6);
            JsonArray widths = new JsonArray();
            for (int stage = 0; stage < 3; stage++) {
                widths.add(baseWidth << stage);
            }
            o.add("widths", widths);
            o.addProperty("block", "basic");
            o.addProperty("shortcut", "projection");
            o.addProperty("numClasses", numClasses);
            if (se) {
                JsonObject s = new JsonObject();
                s.addProperty("reduction", reduction);
                s.addProperty("minHidden", seMinHidden);
                o.add("se", s);
            }
            if (skKernels != null) {
                // BasicBlock builds its SK unit dilated, with SelectiveKernel's own reduction and width.
                JsonObject s = new JsonObject();
                JsonArray kernels = new JsonArray();
                for (int k : skKernels) {
                    kernels.add(k);
                }
                s.add("kernels", kernels);
                s.addProperty("dilated", true);
                s.addProperty("reduction", SqueezeExcitation.DEFAULT_REDUCTION);
                s.addProperty("minHidden", SelectiveKernel.DEFAULT_MIN_HIDDEN);
                o.add("sk", s);
            }
            return o;
        }

        private void validate() {
            if (depth < 8 || (depth - 2) % 6 != 0) {
                throw new IllegalArgumentException(
                        "CIFAR ResNet depth must be 6n + 2 with n >= 1 (20, 32, 44, 56, 110), got " + depth);
            }
            if (numClasses <= 0 || baseWidth <= 0) {
                throw new IllegalArgumentException("numClasses and baseWidth must be positive");
            }
        }

        /**
         * Builds the network: input [N, 3, H, W], output logits [N, numClasses].
         *
         * @return the network
         */
        public Block build() {
            validate();
            int n = (depth - 2) / 6;
            NamedSequentialBlock net = new NamedSequentialBlock();
            net.add(ConvBnAct.of(baseWidth).build());
            int in = baseWidth;
            for (int stage = 0; stage < 3; stage++) {
                int width = baseWidth << stage;
                NamedSequentialBlock blocks = new NamedSequentialBlock();
                for (int i = 0; i < n; i++) {
                    blocks.add(BLOCK_NAME,
                            BasicBlock.builder()
                                    .setInChannels(in)
                                    .setChannels(width)
                                    .optStride(stage > 0 && i == 0 ? 2 : 1)
                                    .optAttention(se ? Attention.SE : Attention.NONE)
                                    .optReduction(reduction)
                                    .optSeMinHidden(seMinHidden)
                                    .optSelectiveKernel(skKernels)
                                    .build());
                    in = width;
                }
                net.add(STAGE_NAME, blocks);
            }
            net.add(Pool.globalAvgPool2dBlock());
            net.add(Linear.builder().setUnits(numClasses).build());
            return net;
        }
    }
}
