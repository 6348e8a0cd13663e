package io.github.attentionzoo.zoo.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.arch.TorchNames.SeNames;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed network: conv 3→64 (3×3, pad 1, bias) + ReLU + 2×2 max-pool + SE(64, r = 16) + a
 * linear layer over the NCHW-flattened map, as the seed's {@code x.view(x.size(0), -1)}.
 *
 * <p>The SE bottleneck is 64 / 16 = 4 wide, as the seed's {@code SELayer}; the linear layer fixes
 * the input size (32×32 by default).
 */
public final class SimpleCnn {

    private SimpleCnn() {}

    /**
     * Returns SimpleCNN's PyTorch layouts: {@code conv1, se.fc.0, se.fc.2, fc} (senet.pytorch's
     * {@code SELayer}, which export writes) and {@code conv1, se1.fc1, se1.fc2, fc} (as the seed wrote it).
     *
     * @return the layouts, one name per parameter each
     */
    public static List<List<String>> torchLayouts() {
        return List.of(torchNames("se", SeNames.SENET), torchNames("se1", SeNames.FC1_FC2));
    }

    private static List<String> torchNames(String sePrefix, SeNames seNames) {
        List<String> names = new ArrayList<>(TorchNames.conv("conv1", true));
        names.addAll(TorchNames.squeezeExcitation(sePrefix, false, seNames));
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

    /** Builds a SimpleCNN. */
    public static final class Builder {
        private int numClasses = 10;
        private int channels = 64;
        private int reduction = SqueezeExcitation.DEFAULT_REDUCTION;

        Builder() {}

        /**
         * Sets the number of classes (default 10).
         *
         * @param numClasses the classes
         * @return this builder
         */
        public Builder optNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets the convolution's output channels (default 64).
         *
         * @param channels the channels
         * @return this builder
         */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Sets the SE reduction ratio (default 16).
         *
         * @param reduction the ratio
         * @return this builder
         */
        public Builder optReduction(int reduction) {
            this.reduction = reduction;
            return this;
        }

        /**
         * Builds the network: input [N, 3, H, W] with H, W even, output logits [N, numClasses].
         *
         * @return the network
         */
        public Block build() {
            if (numClasses <= 0 || channels <= 0) {
                throw new IllegalArgumentException("numClasses and channels must be positive");
            }
            return new SequentialBlock()
                    .add(
                            Conv2d.builder()
                                    .setFilters(channels)
                                    .setKernelShape(new Shape(3, 3))
                                    .optPadding(new Shape(1, 1))
                                    .build())
                    .add(Activation.reluBlock())
                    .add(new MaxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(
                            SqueezeExcitation.builder()
                                    .setChannels(channels)
                                    .optReduction(reduction)
                                    .optMinHidden(1)
                                    .build())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(numClasses).build());
        }
    }
}
