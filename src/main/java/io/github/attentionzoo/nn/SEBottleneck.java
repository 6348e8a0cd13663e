package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * The earlier name of a {@link Bottleneck} with {@link Attention#SE} (SE on by default); networks
 * built from it keep their parameter names ({@code 01SEBottleneck_...}).
 *
 * @deprecated use {@link Bottleneck} with {@code optAttention(Attention.SE)}; removed in a later release
 */
@Deprecated
public class SEBottleneck extends Bottleneck {

    SEBottleneck(Builder b, SequentialBlock residual) {
        super("SEBottleneck", b, residual);
    }

    /**
     * Starts a builder with SE on.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link SEBottleneck}. */
    public static final class Builder extends Bottleneck.Builder {

        Builder() {
            super(Attention.SE);
        }

        /** {@inheritDoc} */
        @Override
        public SEBottleneck build() {
            return new SEBottleneck(this, residual("SEBottleneck"));
        }
    }
}
