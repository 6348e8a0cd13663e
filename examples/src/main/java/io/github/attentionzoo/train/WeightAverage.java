package io.github.attentionzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;


/**
 * An exponential moving average of a network's parameters, BatchNorm's running statistics
 * included, taken after every optimizer step: w̄ ← d·w̄ + (1 − d)·w. A recipe with {@code ema}
 * evaluates and saves the average, which smooths the last epochs' noise out of the weights; its
 * checkpoints hold the average as their model and the trained weights beside it, for a resume.
 *
 * <p>The decay starts low, min(d, (1 + t) / (10 + t)) at step t, so that a short run's average does
 * not carry the random initial weights for long.
 */
public final class WeightAverage implements AutoCloseable {

    private final float decay;
    private final Trainer trainer;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<NDArray> average = new ArrayList<>();
    private final NDManager manager;

    /**
     * Starts an average at the trainer's current weights.
     *
     * @param trainer the trainer, initialized
     * @param decay d, in (0, 1)
     */
    public WeightAverage(Trainer trainer, float decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("weight averaging's decay must be in (0, 1), got " + decay);
        }
        checkDevices(trainer.getDevices().length);
        this.decay = decay;
        this.trainer = trainer;
        this.manager = trainer.getManager().newSubManager();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            parameters.add(p.getValue());
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            average.add(copy);
        }
    }

    /**
     * Refuses to average the weights of a run split across several devices.
     *
     * @param devices the devices the run trains on
     * @throws IllegalArgumentException naming {@code --ema} when there is more than one
     */
    static void checkDevices(int devices) {
        if (devices != 1) {
            // DJL keeps its per-device copies of the weights to itself: the average could reach only one.
            throw new IllegalArgumentException("weight averaging (--ema) trains on one device; this engine offers "
                    + devices + ": pass --ema 0, or limit the devices (e.g. CUDA_VISIBLE_DEVICES)");
        }
    }

    /**
     * Folds the current weights into the average; call after each optimizer step.
     *
     * @param step the 0-based step just taken
     */
    public void update(long step) {
        float d = Math.min(decay, (1f + step) / (10f + step));
        for (int i = 0; i < parameters.size(); i++) {
            try (NDArray part = parameters.get(i).getArray().mul(1 - d)) {
                average.get(i).muli(d).addi(part);
            }
        }
    }

    /**
     * Runs {@code action} with the average in place of the trained weights, then puts the trained
     * weights back.
     *
     * @param action what to run, e.g. an evaluation or a checkpoint's write
     * @param <T> its result
     * @return the result
     * @throws IOException what the action throws
     */
    public <T> T swapped(Action<T> action) throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            NDList kept = trainedWeights(scratch);
            copy(average, weights());
            try {
                return action.run();
            } finally {
                copy(kept, weights());
            }
        }
    }

    /** Work done with the average in place: an evaluation, or writing a checkpoint. */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * Does the work.
         *
         * @return its result
         * @throws IOException when a file cannot be written or read
         */
        T run() throws IOException;
    }

    /**
     * Returns a copy of the trained weights, one array per parameter in the block's order: what a
     * checkpoint keeps beside the average, for a resume to continue from.
     *
     * @param owner the manager the copies belong to
     * @return the copies
     */
    public NDList trainedWeights(NDManager owner) {
        NDList out = new NDList();
        for (NDArray w : weights()) {
            NDArray copy = w.duplicate();
            copy.attach(owner);
            out.add(copy);
        }
        return out;
    }

    /**
     * Puts a checkpoint's trained weights into the network; the average is what the network held
     * before (a checkpoint's model files hold the average).
     *
     * @param saved the arrays {@link #trainedWeights} gave
     * @throws IllegalArgumentException when they do not fit the network
     */
    public void resumeTrained(NDList saved) {
        List<NDArray> weights = weights();
        if (saved.size() != weights.size()) {
            throw new IllegalArgumentException("the trained weights hold " + saved.size() + " arrays; the network has "
                    + weights.size() + " parameters");
        }
        for (int i = 0; i < weights.size(); i++) {
            if (!saved.get(i).getShape().equals(weights.get(i).getShape())) {
                throw new IllegalArgumentException("trained weight " + i + " is " + saved.get(i).getShape()
                        + ", the network's parameter " + parameters.get(i).getName() + " is " + weights.get(i).getShape());
            }
        }
        copy(saved, weights);
    }

    /** Writes the average into the network's parameters for good: the weights the run saves at its end. */
    public void applyToModel() {
        copy(average, weights());
    }

    private List<NDArray> weights() {
        List<NDArray> out = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            out.add(p.getArray());
        }
        return out;
    }

    /** In place, so that the trainer's arrays (and their gradients) stay the ones it holds. */
    private static void copy(List<NDArray> from, List<NDArray> to) {
        for (int i = 0; i < to.size(); i++) {
            NDArray target = to.get(i);
            try (NDArray onDevice = from.get(i).toDevice(target.getDevice(), true)) {
                target.muli(0).addi(onDevice);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        manager.close();
    }
}
