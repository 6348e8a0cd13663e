package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Input checks shared by the layers, so every layer reports a bad tensor the same way. */
public final class Inputs {

    private Inputs() {}

    /**
     * Returns the single NCHW input of {@code layer}, or throws naming what was expected and what came.
     *
     * @param inputs the block's inputs
     * @param channels the channel count the layer was built for
     * @param layer the layer's name, for the message
     * @return the input array
     * @throws IllegalArgumentException when the input is not one float NCHW tensor with {@code
     *     channels} channels
     */
    public static NDArray nchw(NDList inputs, long channels, String layer) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(
                    layer + " expects 1 input, got " + inputs.size());
        }
        NDArray x = inputs.get(0);
        checkShape(x.getShape(), channels, layer);
        DataType type = x.getDataType();
        if (!type.isFloating()) {
            throw new IllegalArgumentException(
                    layer + " expects a floating-point input, got " + type);
        }
        return x;
    }

    /**
     * Checks an NCHW shape against the layer's channel count.
     *
     * @param shape the input shape
     * @param channels the expected channel count
     * @param layer the layer's name, for the message
     * @throws IllegalArgumentException when the rank is not 4 or the channel count differs
     */
    public static void checkShape(Shape shape, long channels, String layer) {
        if (shape.dimension() != 4) {
            throw new IllegalArgumentException(
                    layer
                            + " expects a rank-4 NCHW input [N, "
                            + channels
                            + ", H, W], got rank "
                            + shape.dimension()
                            + " "
                            + shape);
        }
        if (shape.get(1) != channels) {
            throw new IllegalArgumentException(
                    layer
                            + " expects "
                            + channels
                            + " input channels, got "
                            + shape.get(1)
                            + " (input shape "
                            + shape
                            + ")");
        }
    }
}
