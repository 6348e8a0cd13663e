package io.github.attentionzoo.train;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Set;

/**
 * SGD with momentum, Nesterov's by default, in PyTorch's formulation: v = μv + g; the step is
 * g + μv with Nesterov, v without.
 */
public final class Sgd extends StatefulOptimizer {

    private final float momentum;
    private final boolean nesterov;

    /**
     * Creates the optimizer.
     *
     * @param schedule the learning-rate schedule
     * @param momentum μ
     * @param nesterov whether to use Nesterov momentum
     * @param weightDecay the L2 coefficient
     * @param noDecay ids of parameters without weight decay
     * @param numDevices the devices the batch is split across
     */
    public Sgd(LrSchedule schedule, float momentum, boolean nesterov, float weightDecay,
            Set<String> noDecay, int numDevices) {
        super(schedule, weightDecay, noDecay, numDevices);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void apply(String id, NDArray weight, NDArray grad, float lr) {
        if (momentum == 0f) {
            weight.subi(grad.muli(lr));
            return;
        }
        NDArray v = state("momentum", id, weight);
        v.muli(momentum).addi(grad);
        if (nesterov) {
            try (NDArray look = v.mul(momentum)) {
                grad.addi(look);
            }
            weight.subi(grad.muli(lr));
        } else {
            try (NDArray delta = v.mul(lr)) {
                weight.subi(delta);
            }
        }
    }

    @Override
    protected List<String> slotNames() {
        return List.of("momentum");
    }
}
