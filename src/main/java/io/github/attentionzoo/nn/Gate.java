package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The squashing function that turns excitation logits into per-channel gates in (0, 1). */
public enum Gate {
    /** The logistic sigmoid of the SE paper. */
    SIGMOID {
        @Override
        public NDArray apply(NDArray logits) {
            return Activation.sigmoid(logits);
        }
    },
    /** PyTorch's {@code hardsigmoid}, relu6(x + 3) / 6: cheaper, as in MobileNetV3. */
    HARD_SIGMOID {
        @Override
        public NDArray apply(NDArray logits) {
            return logits.add(3f).clip(0f, 6f).div(6f);
        }
    };

    /**
     * Applies the gate function.
     *
     * @param logits the excitation output
     * @return the gates, same shape
     */
    public abstract NDArray apply(NDArray logits);
}
