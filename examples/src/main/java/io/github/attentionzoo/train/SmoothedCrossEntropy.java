package io.github.attentionzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy over logits with sparse labels and optional label smoothing ε: the target
 * puts 1 − ε on the label and spreads ε evenly over all classes. ε = 0 is the usual loss.
 */
public final class SmoothedCrossEntropy extends Loss {

    private final float epsilon;

    /**
     * Creates the loss.
     *
     * @param epsilon the smoothing, in [0, 1)
     */
    public SmoothedCrossEntropy(float epsilon) {
        super("SoftmaxCrossEntropyLoss");
        this.epsilon = epsilon;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logp = predictions.singletonOrThrow().logSoftmax(1);
        NDArray label = labels.singletonOrThrow();
        NDArray nll = logp.get(new NDIndex().addAllDim().addPickDim(label)).neg().reshape(-1);
        if (epsilon == 0f) {
            return nll.mean();
        }
        NDArray uniform = logp.mean(new int[] {1}).neg();
        return nll.mul(1 - epsilon).add(uniform.mul(epsilon)).mean();
    }
}
