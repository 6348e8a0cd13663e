package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import java.util.function.UnaryOperator;

/** The squashing function that turns excitation logits into per-channel gates in (0, 1). */
public enum Gate {
    /** The logistic sigmoid of the SE paper. */
    SIGMOID(Activation::sigmoid),
    /** PyTorch's {@code hardsigmoid}, relu6(x + 3) / 6: cheaper, as in MobileNetV3. */
    HARD_SIGMOID(logits -> logits.add(3f).clip(0f, 6f).div(6f));

    private final UnaryOperator<NDArray> squash;

    Gate(UnaryOperator<NDArray> squash) {
        this.squash = squash;
    }

    /**
     * Applies the gate function.
     *
     * @param logits the excitation output
     * @return the gates, same shape
     */
    public NDArray apply(NDArray logits) {
        return squash.apply(logits);
    }
}
