package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * ResNet's bottleneck block (1×1 reduce, 3×3 with the stride, 1×1 expand by {@value #EXPANSION})
 * with Squeeze-and-Excitation on the expanded output before the residual addition.
 */
public class SEBottleneck extends ResidualBlock {

    /** How much wider the block's output is than its inner width. */
    public static final int EXPANSION = 4;

    SEBottleneck(Builder b, SequentialBlock residual) {
        super(
                "SEBottleneck",
                b.inChannels,
                b.channels * EXPANSION,
                b.stride,
                residual,
                b.squeezeExcitation(b.channels * EXPANSION));
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link SEBottleneck}. */
    public static final class Builder extends ResidualBlock.BaseBuilder<Builder> {

        Builder() {}

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
        public SEBottleneck build() {
            validate("SEBottleneck");
            SequentialBlock residual = new SequentialBlock();
            residual.add(ConvBnAct.of(channels).kernel(1).build());
            residual.add(ConvBnAct.of(channels).stride(stride).build());
            residual.add(ConvBnAct.of(channels * EXPANSION).kernel(1).relu(false).build());
            return new SEBottleneck(this, residual);
        }
    }
}
