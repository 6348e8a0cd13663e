package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A residual unit relu(F(x) + shortcut(x)) whose branch F may end with Squeeze-and-Excitation, so
 * that the SE gates rescale the branch <i>before</i> the addition, as in the SE paper's SE-ResNet.
 *
 * <p>The shortcut is the identity, or a 1×1 convolution + BatchNorm when the stride is not 1 or
 * the width changes (senet.pytorch's {@code downsample}). Subclasses only say what F is.
 */
public abstract class ResidualBlock extends NchwBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final int outChannels;
    private final SequentialBlock residual;
    private final SequentialBlock shortcut;

    /**
     * Creates the block from its residual branch.
     *
     * @param name the block's name, for error messages
     * @param inChannels the input channels
     * @param outChannels the output channels
     * @param stride the stride of the block
     * @param residual the residual branch F, without SE
     * @param se the SE layer to end F with, or null
     */
    protected ResidualBlock(
            String name,
            int inChannels,
            int outChannels,
            int stride,
            SequentialBlock residual,
            SqueezeExcitation se) {
        super(VERSION, name, inChannels);
        this.outChannels = outChannels;
        if (se != null) {
            residual.add(se);
        }
        this.residual = addChildBlock("residual", residual);
        if (stride != 1 || inChannels != outChannels) {
            shortcut =
                    addChildBlock(
                            "shortcut",
                            ConvBnAct.of(outChannels).kernel(1).stride(stride).relu(false).build());
        } else {
            shortcut = null;
        }
        this.name = name;
    }

    /**
     * Returns the output channels.
     *
     * @return the output channels
     */
    public int getOutChannels() {
        return outChannels;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(
            ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params) {
        NDList in = new NDList(x);
        NDArray f = residual.forward(parameterStore, in, training, params).head();
        NDArray s = shortcut == null ? x : shortcut.forward(parameterStore, in, training).head();
        return Activation.relu(f.add(s));
    }

    /** {@inheritDoc} */
    @Override
    protected Shape outputShape(Shape input) {
        return residual.getOutputShapes(new Shape[] {input})[0];
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildren(NDManager manager, DataType dataType, Shape input) {
        residual.initialize(manager, dataType, input);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, input);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name + "(" + getInChannels() + " -> " + outChannels + (shortcut == null ? "" : ", projection") + ")";
    }

    /**
     * Options shared by the residual blocks.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        int inChannels;
        int channels;
        int stride = 1;
        Attention attention;
        int reduction = SqueezeExcitation.DEFAULT_REDUCTION;
        int seMinHidden = SqueezeExcitation.DEFAULT_MIN_HIDDEN;

        /**
         * Sets the input channels; required.
         *
         * @param inChannels the input channels
         * @return this builder
         */
        public T setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return self();
        }

        /**
         * Sets the block's width (the bottleneck's inner width); required.
         *
         * @param channels the width
         * @return this builder
         */
        public T setChannels(int channels) {
            this.channels = channels;
            return self();
        }

        /**
         * Sets the stride of the block (default 1; 2 halves the resolution).
         *
         * @param stride the stride
         * @return this builder
         */
        public T optStride(int stride) {
            this.stride = stride;
            return self();
        }

        BaseBuilder(Attention attention) {
            this.attention = attention;
        }

        /**
         * Sets the channel attention on the branch before the addition (default: none, or SE for
         * the deprecated SE-named blocks).
         *
         * @param attention the attention
         * @return this builder
         */
        public T optAttention(Attention attention) {
            if (attention == null) {
                throw new IllegalArgumentException("attention must not be null; use Attention.NONE for none");
            }
            this.attention = attention;
            return self();
        }

        /**
         * Turns Squeeze-and-Excitation on or off.
         *
         * @param se whether the block carries SE
         * @return this builder
         * @deprecated use {@link #optAttention(Attention)}
         */
        @Deprecated
        public T optSe(boolean se) {
            return optAttention(se ? Attention.SE : Attention.NONE);
        }

        /**
         * Sets the SE reduction ratio (default 16).
         *
         * @param reduction the ratio
         * @return this builder
         */
        public T optReduction(int reduction) {
            this.reduction = reduction;
            return self();
        }

        /**
         * Sets the SE bottleneck's minimum width (default 8; 1 for senet.pytorch's layout).
         *
         * @param seMinHidden the minimum width
         * @return this builder
         */
        public T optSeMinHidden(int seMinHidden) {
            this.seMinHidden = seMinHidden;
            return self();
        }

        /**
         * Returns this builder as its concrete type.
         *
         * @return this
         */
        protected abstract T self();

        void validate(String block) {
            if (inChannels <= 0 || channels <= 0) {
                throw new IllegalArgumentException(
                        block + " needs inChannels and channels > 0, got " + inChannels + " and " + channels);
            }
            if (stride <= 0) {
                throw new IllegalArgumentException(block + " stride must be positive, got " + stride);
            }
        }

        SqueezeExcitation squeezeExcitation(int width) {
            if (attention != Attention.SE) {
                return null;
            }
            return SqueezeExcitation.builder()
                    .setChannels(width)
                    .optReduction(reduction)
                    .optMinHidden(seMinHidden)
                    .build();
        }
    }
}
