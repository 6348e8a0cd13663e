package io.github.attentionzoo.nn;

import ai.djl.nn.SequentialBlock;

/**
 * The earlier name of a {@link BasicBlock} with {@link Attention#SE} (SE on by default); networks
 * built from it keep their parameter names ({@code 01SEBasicBlock_...}).
 *
 * @deprecated use {@link BasicBlock} with {@code optAttention(Attention.SE)}; removed in a later release
 */
@Deprecated
public class SEBasicBlock extends BasicBlock {

    SEBasicBlock(Builder b, SequentialBlock residual) {
        super("SEBasicBlock", b, residual);
    }

    /**
     * Starts a builder with SE on.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link SEBasicBlock}. */
    public static final class Builder extends BasicBlock.Builder {

        Builder() {
            super(Attention.SE);
        }

        /** {@inheritDoc} */
        @Override
        public SEBasicBlock build() {
            return new SEBasicBlock(this, residual("SEBasicBlock"));
        }
    }
}
