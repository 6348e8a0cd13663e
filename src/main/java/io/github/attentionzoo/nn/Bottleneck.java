package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * ResNet's bottleneck block (1×1 reduce, 3×3 with the stride, 1×1 expand by {@value #EXPANSION})
 * with the channel attention its builder names ({@link Attention}, none by default) on the expanded
 * output before the residual addition.
 */
public class Bottleneck extends ResidualBlock {

    /** How much wider the block's output is than its inner width. */
    public static final int EXPANSION = 4;

    Bottleneck(Builder b, SequentialBlock residual) {
        this("Bottleneck", b, residual);
    }

    Bottleneck(String name, Builder b, SequentialBlock residual) {
        super(
                name,
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

    /** Builds a {@link Bottleneck}. */
    public static class Builder extends ResidualBlock.BaseBuilder<Builder> {

        Builder() {
            this(Attention.NONE);
        }

        Builder(Attention attention) {
            super(attention);
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
        public Bottleneck build() {
            return new Bottleneck(this, residual("Bottleneck"));
        }

        /** The residual branch: 1×1 reduce, 3×3 with the stride, 1×1 expand; the attention is added by the block. */
        SequentialBlock residual(String block) {
            validate(block);
            SequentialBlock residual = new SequentialBlock();
            residual.add(ConvBnAct.of(channels).kernel(1).build());
            residual.add(ConvBnAct.of(channels).stride(stride).build());
            residual.add(ConvBnAct.of(channels * EXPANSION).kernel(1).relu(false).build());
            return residual;
        }
    }
}
