package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * ResNet's basic block (two 3×3 convolutions) with Squeeze-and-Excitation before the residual
 * addition; with SE off it is the plain basic block. With {@link Builder#optSelectiveKernel} the
 * first 3×3 convolution becomes a {@link SelectiveKernel}, which makes the SK-ResNet block.
 */
public class SEBasicBlock extends ResidualBlock {

    SEBasicBlock(Builder b, SequentialBlock residual) {
        super("SEBasicBlock", b.inChannels, b.channels, b.stride, residual, b.squeezeExcitation(b.channels));
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link SEBasicBlock}. */
    public static final class Builder extends ResidualBlock.BaseBuilder<Builder> {
        private int[] skKernels;

        Builder() {}

        /**
         * Replaces the first 3×3 convolution by a Selective Kernel unit with these kernel sizes
         * (dilated 3×3 for the larger ones), as timm's SK basic block; null keeps the convolution.
         *
         * @param kernels the SK branch kernel sizes, or null
         * @return this builder
         */
        public Builder optSelectiveKernel(int... kernels) {
            this.skKernels = kernels == null ? null : kernels.clone();
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public SEBasicBlock build() {
            validate("SEBasicBlock");
            SequentialBlock residual = new SequentialBlock();
            if (skKernels != null) {
                residual.add(
                        SelectiveKernel.builder()
                                .optInChannels(inChannels)
                                .setChannels(channels)
                                .optKernels(skKernels)
                                .optStride(stride)
                                .optDilated(true)
                                .build());
            } else {
                residual.add(ConvBnAct.of(channels).stride(stride).build());
            }
            residual.add(ConvBnAct.of(channels).relu(false).build());
            return new SEBasicBlock(this, residual);
        }
    }
}
