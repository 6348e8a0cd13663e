package io.github.attentionzoo.train;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Set;

/** Adam (Kingma and Ba, 2015) with L2 weight decay, as the seed trained SimpleCNN. */
public final class Adam extends StatefulOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    /**
     * Creates the optimizer.
     *
     * @param schedule the learning-rate schedule
     * @param weightDecay the L2 coefficient
     * @param noDecay ids of parameters without weight decay
     * @param numDevices the devices the batch is split across
     */
    public Adam(LrSchedule schedule, float weightDecay, Set<String> noDecay, int numDevices) {
        super(schedule, weightDecay, noDecay, numDevices);
    }

    @Override
    protected void apply(String id, NDArray weight, NDArray grad, float lr) {
        // Bias correction counts global steps, so it survives a resume with no state of its own.
        double t = getStep() + 1;
        float c1 = 1f - (float) Math.pow(BETA1, t);
        float c2 = 1f - (float) Math.pow(BETA2, t);
        NDArray m = state("m", id, weight);
        NDArray v = state("v", id, weight);
        m.muli(BETA1);
        try (NDArray g1 = grad.mul(1 - BETA1)) {
            m.addi(g1);
        }
        v.muli(BETA2);
        try (NDArray g2 = grad.square()) {
            v.addi(g2.muli(1 - BETA2));
        }
        try (NDArray vHat = v.div(c2);
                NDArray denom = vHat.sqrt();
                NDArray delta = m.div(denom.addi(EPSILON))) {
            weight.subi(delta.muli(lr / c1));
        }
    }

    @Override
    protected List<String> slotNames() {
        return List.of("m", "v");
    }
}
