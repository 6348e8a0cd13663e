package io.github.attentionzoo.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/**
 * The convolution → BatchNorm → optional ReLU unit every architecture here is made of, written
 * once so that padding, bias and BatchNorm settings agree everywhere.
 *
 * <p>The result is a {@link ConvBnActBlock}: a sequence of {@code Conv2d}, {@code BatchNorm} and,
 * when activated, a ReLU (that fixed order is what saved parameter files rely on), whose
 * inference folds the BatchNorm into the convolution.
 */
public final class ConvBnAct {

    /** PyTorch's BatchNorm epsilon, so imported statistics give the same outputs. */
    public static final float BN_EPSILON = 1e-5f;

    /** DJL's momentum convention (weight of the old running value), PyTorch's 0.1 update. */
    public static final float BN_MOMENTUM = 0.9f;

    private final int filters;
    private int kernel = 3;
    private int stride = 1;
    private int dilation = 1;
    private int groups = 1;
    private boolean bias;
    private boolean relu = true;

    private ConvBnAct(int filters) {
        if (filters <= 0) {
            throw new IllegalArgumentException("filters must be positive, got " + filters);
        }
        this.filters = filters;
    }

    /**
     * Starts a unit with {@code filters} output channels (3×3, stride 1, no bias, ReLU).
     *
     * @param filters the number of output channels
     * @return the builder
     */
    public static ConvBnAct of(int filters) {
        return new ConvBnAct(filters);
    }

    /**
     * Sets the square kernel size; padding keeps the spatial size at stride 1.
     *
     * @param kernel the kernel size, odd
     * @return this builder
     */
    public ConvBnAct kernel(int kernel) {
        if (kernel <= 0 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel size must be odd and positive, got " + kernel);
        }
        this.kernel = kernel;
        return this;
    }

    /**
     * Sets the stride in both directions.
     *
     * @param stride the stride
     * @return this builder
     */
    public ConvBnAct stride(int stride) {
        if (stride <= 0) {
            throw new IllegalArgumentException("stride must be positive, got " + stride);
        }
        this.stride = stride;
        return this;
    }

    /**
     * Sets the dilation, which widens the receptive field at the cost of a 3×3 kernel.
     *
     * @param dilation the dilation
     * @return this builder
     */
    public ConvBnAct dilation(int dilation) {
        if (dilation <= 0) {
            throw new IllegalArgumentException("dilation must be positive, got " + dilation);
        }
        this.dilation = dilation;
        return this;
    }

    /**
     * Sets the number of convolution groups.
     *
     * @param groups the groups; input and output channels must divide by it
     * @return this builder
     */
    public ConvBnAct groups(int groups) {
        if (groups <= 0 || filters % groups != 0) {
            throw new IllegalArgumentException(
                    "groups must be positive and divide " + filters + " filters, got " + groups);
        }
        this.groups = groups;
        return this;
    }

    /**
     * Adds a bias to the convolution (redundant before BatchNorm, kept for imported models).
     *
     * @param bias whether the convolution has a bias
     * @return this builder
     */
    public ConvBnAct bias(boolean bias) {
        this.bias = bias;
        return this;
    }

    /**
     * Ends the unit with a ReLU or not (the last unit of a residual branch has none).
     *
     * @param relu whether to apply ReLU
     * @return this builder
     */
    public ConvBnAct relu(boolean relu) {
        this.relu = relu;
        return this;
    }

    /**
     * Builds the unit.
     *
     * @return conv → BN (→ ReLU), folded into one convolution in inference
     */
    public ConvBnActBlock build() {
        int pad = dilation * (kernel - 1) / 2;
        Conv2d conv = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optDilation(new Shape(dilation, dilation))
                .optGroups(groups)
                .optBias(bias)
                .build();
        return new ConvBnActBlock(conv, batchNorm(), relu, stride, pad, dilation, groups);
    }

    /**
     * A BatchNorm with PyTorch's epsilon and momentum, for any layer that needs one on its own.
     *
     * @return a new BatchNorm block
     */
    public static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build();
    }
}
