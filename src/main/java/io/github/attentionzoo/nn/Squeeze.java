package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;

/** How a feature map is squeezed to one value per channel. */
public enum Squeeze {
    /** Global average pooling, as in the SE paper. */
    AVG,
    /** Global max pooling: reacts to the strongest response of each channel. */
    MAX;

    /**
     * Squeezes an NCHW map to [N, C].
     *
     * @param x the feature map
     * @return one value per sample and channel
     */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case AVG -> Pool.globalAvgPool2d(x);
            case MAX -> Pool.globalMaxPool2d(x);
        };
    }
}
