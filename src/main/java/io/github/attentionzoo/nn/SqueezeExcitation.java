package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Squeeze-and-Excitation (Hu et al., 2018): squeeze each channel to one value, pass the vector
 * through a bottleneck MLP C → C/r → C, squash it into gates and scale each channel by its gate.
 *
 * <p>The output has the input's shape. Child names ({@code fc1}, {@code fc2}) follow PyTorch's
 * {@code fc.0} / {@code fc.2}, the layout of senet.pytorch's {@code SELayer}.
 */
public class SqueezeExcitation extends NchwBlock {

    private static final byte VERSION = 1;

    /** The reduction ratio of the SE paper, the default everywhere in this project. */
    public static final int DEFAULT_REDUCTION = 16;

    /**
     * The default minimum width of the excitation bottleneck: 16-channel stages would otherwise
     * squeeze to one unit.
     */
    public static final int DEFAULT_MIN_HIDDEN = 8;

    private final int channels;
    private final int hidden;
    private final Squeeze squeeze;
    private final Gate gate;
    private final Linear fc1;
    private final Linear fc2;

    SqueezeExcitation(Builder builder) {
        super(VERSION, "SqueezeExcitation", builder.channels);
        channels = builder.channels;
        hidden = hiddenWidth(builder.channels, builder.reduction, builder.minHidden);
        squeeze = builder.squeeze;
        gate = builder.gate;
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(hidden).optBias(builder.bias).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(channels).optBias(builder.bias).build());
    }

    /**
     * Returns the width of the excitation bottleneck: {@code max(minHidden, channels / reduction)},
     * never more than {@code channels}.
     *
     * @param channels the input channels
     * @param reduction the reduction ratio r
     * @param minHidden the smallest width allowed
     * @return the hidden width
     */
    public static int hiddenWidth(int channels, int reduction, int minHidden) {
        return Math.min(channels, Math.max(minHidden, channels / reduction));
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the channel count this layer expects.
     *
     * @return the channels
     */
    public int getChannels() {
        return channels;
    }

    /**
     * Returns the width of the excitation bottleneck.
     *
     * @return the hidden width
     */
    public int getHidden() {
        return hidden;
    }

    /**
     * Returns how channels are squeezed.
     *
     * @return the squeeze
     */
    public Squeeze getSqueeze() {
        return squeeze;
    }

    /**
     * Returns the gate function.
     *
     * @return the gate
     */
    public Gate getGate() {
        return gate;
    }

    /**
     * Computes the per-channel gates for an input without applying them.
     *
     * @param parameterStore the parameter store
     * @param x the NCHW input
     * @param training whether in training mode
     * @return the gates, [N, C], each in (0, 1)
     */
    public NDArray gates(ParameterStore parameterStore, NDArray x, boolean training) {
        NDArray s = squeeze.apply(x);
        NDArray z = Activation.relu(fc1.forward(parameterStore, new NDList(s), training).head());
        return gate.apply(fc2.forward(parameterStore, new NDList(z), training).head());
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(
            ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params) {
        NDArray g = gates(parameterStore, x, training);
        AttentionRecorder recorder = AttentionRecorder.active();
        if (recorder != null) {
            recorder.recordGates(g);
        }
        Shape shape = x.getShape();
        return x.mul(g.reshape(shape.get(0), channels, 1, 1));
    }

    /** {@inheritDoc} */
    @Override
    protected Shape outputShape(Shape input) {
        return input;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildren(NDManager manager, DataType dataType, Shape input) {
        fc1.initialize(manager, dataType, new Shape(input.get(0), channels));
        fc2.initialize(manager, dataType, new Shape(input.get(0), hidden));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "SqueezeExcitation(" + channels + " -> " + hidden + " -> " + channels + ", "
                + squeeze + ", " + gate + ")";
    }

    /** Builds a {@link SqueezeExcitation}. */
    public static final class Builder extends AttentionBuilder<Builder> {
        private Squeeze squeeze = Squeeze.AVG;
        private Gate gate = Gate.SIGMOID;
        private boolean bias;

        Builder() {
            super(DEFAULT_MIN_HIDDEN);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets how channels are squeezed (default average pooling).
         *
         * @param squeeze the pooling
         * @return this builder
         */
        public Builder optSqueeze(Squeeze squeeze) {
            this.squeeze = squeeze;
            return this;
        }

        /**
         * Sets the gate function (default sigmoid).
         *
         * @param gate the gate
         * @return this builder
         */
        public Builder optGate(Gate gate) {
            this.gate = gate;
            return this;
        }

        /**
         * Gives both linear layers a bias (default off, as senet.pytorch).
         *
         * @param bias whether to use biases
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         * @throws IllegalArgumentException when an option is out of range
         */
        public SqueezeExcitation build() {
            checkWidths("SqueezeExcitation");
            if (squeeze == null || gate == null) {
                throw new IllegalArgumentException("squeeze and gate must not be null");
            }
            return new SqueezeExcitation(this);
        }
    }
}
