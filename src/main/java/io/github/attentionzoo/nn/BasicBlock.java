package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * ResNet's basic block (two 3×3 convolutions) with the channel attention its builder names
 * ({@link Attention}, none by default) before the residual addition: {@link Attention#SE} makes the
 * SE-ResNet block. With {@link Builder#optSelectiveKernel} the first 3×3 convolution becomes a
 * {@link SelectiveKernel}, which makes the SK-ResNet block.
 */
public class BasicBlock extends ResidualBlock {

    BasicBlock(Builder b, SequentialBlock residual) {
        this("BasicBlock", b, residual);
    }

    BasicBlock(String name, Builder b, SequentialBlock residual) {
        super(name, b.inChannels, b.channels, b.stride, residual, b.squeezeExcitation(b.channels));
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BasicBlock}. */
    public static class Builder extends ResidualBlock.BaseBuilder<Builder> {
        private int[] skKernels;

        Builder() {
            this(Attention.NONE);
        }

        Builder(Attention attention) {
            super(attention);
        }

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
        public BasicBlock build() {
            return new BasicBlock(this, residual("BasicBlock"));
        }

        /** The residual branch: (SK or 3×3) then 3×3 without ReLU; the attention is added by the block. */
        SequentialBlock residual(String block) {
            validate(block);
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
            return residual;
        }
    }
}
