package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;

/** How a feature map is squeezed to one value per channel. */
public enum Squeeze {
    /** Global average pooling, as in the SE paper. */
    AVG {
        @Override
        public NDArray apply(NDArray x) {
            return Pool.globalAvgPool2d(x);
        }
    },
    /** Global max pooling: reacts to the strongest response of each channel. */
    MAX {
        @Override
        public NDArray apply(NDArray x) {
            return Pool.globalMaxPool2d(x);
        }
    };

    /**
     * Squeezes an NCHW map to [N, C].
     *
     * @param x the feature map
     * @return one value per sample and channel
     */
    public abstract NDArray apply(NDArray x);
}
