package io.github.attentionzoo.nn;

/**
 * The options the channel-attention layers share: the width C they attend over, and the
 * bottleneck width max(minHidden, C / r) of the vector their attention is computed from.
 *
 * @param <T> the concrete builder
 */
public abstract class AttentionBuilder<T extends AttentionBuilder<T>> {

    int channels;
    int reduction = SqueezeExcitation.DEFAULT_REDUCTION;
    int minHidden;

    AttentionBuilder(int minHidden) {
        this.minHidden = minHidden;
    }

    /**
     * Sets the number of output channels C (for SE also its input channels); required.
     *
     * @param channels the channel count
     * @return this builder
     */
    public T setChannels(int channels) {
        this.channels = channels;
        return self();
    }

    /**
     * Sets the reduction ratio r of the bottleneck width C / r (default 16, the SE paper's).
     *
     * @param reduction the ratio
     * @return this builder
     */
    public T optReduction(int reduction) {
        this.reduction = reduction;
        return self();
    }

    /**
     * Sets the smallest bottleneck width, so C / r never collapses on narrow layers (default 8
     * for SE; 32, the SK paper's L, for Selective Kernel; 1 reproduces senet.pytorch's plain
     * {@code C // r}).
     *
     * @param minHidden the minimum width
     * @return this builder
     */
    public T optMinHidden(int minHidden) {
        this.minHidden = minHidden;
        return self();
    }

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract T self();

    /** Refuses a non-positive channel count, reduction or minimum width, naming the layer. */
    void checkWidths(String layer) {
        if (channels <= 0) {
            throw new IllegalArgumentException(layer + " needs channels > 0, got " + channels);
        }
        if (reduction <= 0) {
            throw new IllegalArgumentException(layer + " reduction must be positive, got " + reduction);
        }
        if (minHidden <= 0) {
            throw new IllegalArgumentException(layer + " minHidden must be positive, got " + minHidden);
        }
    }
}
