package io.github.attentionzoo.zoo.arch;

import io.github.attentionzoo.nn.SqueezeExcitation;

/**
 * The options every ResNet builder shares: depth, classes, and whether blocks carry SE with which
 * reduction ratio. Each family sets its own defaults.
 *
 * @param <T> the concrete builder
 */
public abstract class ResNetOptions<T extends ResNetOptions<T>> {

    int depth;
    int numClasses;
    boolean se;
    int reduction = SqueezeExcitation.DEFAULT_REDUCTION;

    ResNetOptions(int depth, int numClasses, boolean se) {
        this.depth = depth;
        this.numClasses = numClasses;
        this.se = se;
    }

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract T self();

    /**
     * Sets the depth (the family's builder says which depths exist).
     *
     * @param depth the number of weighted layers
     * @return this builder
     */
    public T setDepth(int depth) {
        this.depth = depth;
        return self();
    }

    /**
     * Sets the number of classes.
     *
     * @param numClasses the classes
     * @return this builder
     */
    public T optNumClasses(int numClasses) {
        this.numClasses = numClasses;
        return self();
    }

    /**
     * Puts Squeeze-and-Excitation in every block, or none.
     *
     * @param se whether blocks carry SE
     * @return this builder
     */
    public T optSe(boolean se) {
        this.se = se;
        return self();
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
}
