package io.github.attentionzoo.zoo.arch;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;

/**
 * 2-D max pooling that, unlike DJL's {@code Pool.maxPool2dBlock}, tells its window: DJL's block
 * keeps kernel, stride and padding inside a lambda, where an exporter cannot read them.
 *
 * <p>It is a {@link LambdaBlock}, so it saves and loads exactly as DJL's block does and parameter
 * files written with either fit both.
 */
public final class MaxPool2dBlock extends LambdaBlock {

    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final boolean ceilMode;

    /**
     * Creates the block.
     *
     * @param kernel the window (height, width)
     * @param stride the stride (height, width)
     * @param padding the padding on each side (height, width)
     * @param ceilMode whether the output size rounds up
     */
    public MaxPool2dBlock(Shape kernel, Shape stride, Shape padding, boolean ceilMode) {
        super(in -> new NDList(Pool.maxPool2d(in.singletonOrThrow(), kernel, stride, padding, ceilMode)),
                "maxPool2d");
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
    }

    /**
     * Creates a block without padding that rounds the output size down.
     *
     * @param kernel the window (height, width)
     * @param stride the stride (height, width)
     */
    public MaxPool2dBlock(Shape kernel, Shape stride) {
        this(kernel, stride, new Shape(0, 0), false);
    }

    /**
     * Returns the pooling window.
     *
     * @return the window (height, width)
     */
    public Shape getKernel() {
        return kernel;
    }

    /**
     * Returns the stride.
     *
     * @return the stride (height, width)
     */
    public Shape getStride() {
        return stride;
    }

    /**
     * Returns the padding on each side.
     *
     * @return the padding (height, width)
     */
    public Shape getPadding() {
        return padding;
    }

    /**
     * Returns whether the output size rounds up.
     *
     * @return the ceil mode
     */
    public boolean isCeilMode() {
        return ceilMode;
    }
}
