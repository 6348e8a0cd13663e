package io.github.attentionzoo.zoo.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.github.attentionzoo.nn.ConvBnAct;
import io.github.attentionzoo.nn.Attention;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.Bottleneck;
import io.github.attentionzoo.nn.NamedSequentialBlock;

/**
 * ImageNet-style (SE-)ResNets for 224×224 inputs: a 7×7 stride-2 stem with 3×3 max-pooling, four
 * stages at 64, 128, 256 and 512 channels (×4 for bottlenecks), global average pooling and a
 * linear classifier. 18 and 34 layers use basic blocks, 50, 101 and 152 bottlenecks, as the paper.
 */
public final class ImageNetResNet {

    private ImageNetResNet() {}

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an ImageNet ResNet. */
    public static final class Builder extends ResNetOptions<Builder> {

        Builder() {
            super(50, 1000, true);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }





        /**
         * Builds the network: input [N, 3, 224, 224], output logits [N, numClasses].
         *
         * @return the network
         */
        public Block build() {
            int[] units;
            boolean bottleneck = depth >= 50;
            switch (depth) {
                case 18: units = new int[] {2, 2, 2, 2}; break;
                case 34: case 50: units = new int[] {3, 4, 6, 3}; break;
                case 101: units = new int[] {3, 4, 23, 3}; break;
                case 152: units = new int[] {3, 8, 36, 3}; break;
                default:
                    throw new IllegalArgumentException(
                            "ImageNet ResNet depth must be 18, 34, 50, 101 or 152, got " + depth);
            }
            if (numClasses <= 0) {
                throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
            }
            NamedSequentialBlock net = new NamedSequentialBlock();
            net.add(ConvBnAct.of(64).kernel(7).stride(2).build());
            net.add(new MaxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false));
            int in = 64;
            for (int stage = 0; stage < 4; stage++) {
                int width = 64 << stage;
                NamedSequentialBlock blocks = new NamedSequentialBlock();
                Attention attention = se ? Attention.SE : Attention.NONE;
                for (int i = 0; i < units[stage]; i++) {
                    int stride = stage > 0 && i == 0 ? 2 : 1;
                    if (bottleneck) {
                        blocks.add("SEBottleneck",
                                Bottleneck.builder().setInChannels(in).setChannels(width)
                                        .optStride(stride).optAttention(attention).optReduction(reduction).build());
                        in = width * Bottleneck.EXPANSION;
                    } else {
                        blocks.add(CifarResNet.BLOCK_NAME,
                                BasicBlock.builder().setInChannels(in).setChannels(width)
                                        .optStride(stride).optAttention(attention).optReduction(reduction).build());
                        in = width;
                    }
                }
                net.add(CifarResNet.STAGE_NAME, blocks);
            }
            net.add(Pool.globalAvgPool2dBlock());
            net.add(Linear.builder().setUnits(numClasses).build());
            return net;
        }
    }
}
