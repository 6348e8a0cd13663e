package io.github.attentionzoo.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optimizer whose state (momentum buffers, moments, step) can be written to a checkpoint and
 * read back, keyed by parameter <i>names</i> rather than DJL's per-run parameter ids, so that
 * {@code --resume} continues exactly. DJL's own optimizers keep that state private.
 *
 * <p>The learning rate comes from an {@link LrSchedule} at the step the training loop sets;
 * weight decay skips the parameters named in {@code noDecay} (BatchNorm and biases, usually).
 */
public abstract class StatefulOptimizer extends Optimizer {

    private final LrSchedule schedule;
    private final float weightDecay;
    private final Set<String> noDecay;
    private final float gradScale;
    /** slot name → parameter id → device → state array. */
    private final Map<String, Map<String, Map<Device, NDArray>>> slots = new ConcurrentHashMap<>();
    private volatile long step;
    private Map<String, Float> lrScale = Map.of();

    /**
     * Creates the optimizer.
     *
     * @param schedule the learning-rate schedule
     * @param weightDecay the L2 coefficient
     * @param noDecay ids of parameters exempt from weight decay
     * @param numDevices the devices the batch is split across (their gradients are summed)
     */
    protected StatefulOptimizer(LrSchedule schedule, float weightDecay, Set<String> noDecay, int numDevices) {
        super(new Optimizer.OptimizerBuilder<>() {
            @Override
            protected Optimizer.OptimizerBuilder<?> self() {
                return this;
            }
        });
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.noDecay = noDecay;
        this.gradScale = 1f / numDevices;
    }

    /**
     * Sets the global step, which fixes the learning rate of the next update.
     *
     * @param step the 0-based step
     */
    public void setStep(long step) {
        this.step = step;
    }

    /**
     * Scales the learning rate of some parameters, by parameter id (1 for the others).
     *
     * @param scaleById parameter id to factor
     */
    public void setLrScale(Map<String, Float> scaleById) {
        this.lrScale = Map.copyOf(scaleById);
    }

    /**
     * Returns the learning rate the next update uses.
     *
     * @return the learning rate
     */
    public float currentLr() {
        return schedule.at(step);
    }

    /**
     * Returns the global step set by the training loop.
     *
     * @return the 0-based step
     */
    protected long getStep() {
        return step;
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = currentLr() * lrScale.getOrDefault(parameterId, 1f);
        float wd = noDecay.contains(parameterId) ? 0f : weightDecay;
        // Every temporary is closed here: this runs once per parameter per step. On one device the
        // scale is 1, and multiplying by 1 is exact, so the gradient is used as it is (one op fewer).
        NDArray g = gradScale == 1f ? grad : grad.mul(gradScale);
        try {
            if (wd != 0f) {
                try (NDArray decay = weight.mul(wd)) {
                    g.addi(decay);
                }
            }
            apply(parameterId, weight, g, lr);
        } finally {
            if (g != grad) {
                g.close();
            }
        }
        // PyTorch accumulates gradients; DJL leaves clearing them to the optimizer.
        try (NDArray stale = weight.getGradient()) {
            stale.subi(stale);
        }
    }

    /**
     * Applies one update in place.
     *
     * @param id the parameter id
     * @param weight the weight, updated in place
     * @param grad the gradient, scaled and with weight decay added; may be modified
     * @param lr the learning rate
     */
    protected abstract void apply(String id, NDArray weight, NDArray grad, float lr);

    /**
     * Returns a state array, created as zeros like {@code like} the first time.
     *
     * @param slot the slot's name
     * @param id the parameter id
     * @param like an array of the parameter's shape and device
     * @return the state array
     */
    protected NDArray state(String slot, String id, NDArray like) {
        return withDefaultState(
                slots.computeIfAbsent(slot, k -> new ConcurrentHashMap<>()),
                id, like.getDevice(), k -> like.zerosLike());
    }

    /**
     * Returns the names of the state slots this optimizer keeps per parameter.
     *
     * @return the slot names
     */
    protected abstract List<String> slotNames();

    /**
     * Copies the state to host arrays named {@code slot/parameterName}, for a checkpoint.
     *
     * @param params the model's parameters, which give ids their stable names
     * @param manager where the copies are created
     * @return the named state
     */
    public NDList exportState(PairList<String, Parameter> params, NDManager manager) {
        NDList out = new NDList();
        for (String slot : slotNames()) {
            Map<String, Map<Device, NDArray>> bySlot = slots.getOrDefault(slot, Map.of());
            for (Pair<String, Parameter> p : params) {
                Map<Device, NDArray> perDevice = bySlot.get(p.getValue().getId());
                if (perDevice == null || perDevice.isEmpty()) {
                    continue;
                }
                // duplicate(): a real copy. toDevice(..., true) on the same device may alias.
                NDArray copy = perDevice.values().iterator().next().toDevice(Device.cpu(), false).duplicate();
                copy.attach(manager);
                copy.setName(slot + "/" + p.getKey());
                out.add(copy);
            }
        }
        return out;
    }

    /**
     * Reduces a DJL parameter path such as {@code 02SequentialBlock_01SEBasicBlock_01residual_weight} to
     * its child positions ({@code 02_01_01_weight}).
     *
     * <p>DJL names a child after its class, so a refactor that only changes a block's class (for example a
     * {@code SequentialBlock} becoming a subclass) renames every parameter below it while the structure,
     * and the model file that DJL reads by structure, stay the same. Matching on positions keeps such
     * checkpoints resumable; the shape check below still rejects a different architecture.
     */
    static String positionalName(String path) {
        return path.replaceAll("(^|_)(\\d+)[A-Za-z][A-Za-z0-9]*", "$1$2");
    }

    /**
     * Restores state written by {@link #exportState} onto the given devices.
     *
     * @param state the named state
     * @param params the model's parameters
     * @param devices the devices the model trains on
     * @throws IllegalArgumentException when a state array's name or shape does not match the model
     */
    public void importState(NDList state, PairList<String, Parameter> params, Device[] devices) {
        Map<String, Parameter> byName = new HashMap<>();
        Map<String, Parameter> byPosition = new HashMap<>();
        for (Pair<String, Parameter> p : params) {
            byName.put(p.getKey(), p.getValue());
            byPosition.put(positionalName(p.getKey()), p.getValue());
        }
        for (NDArray array : state) {
            String name = array.getName();
            int cut = name == null ? -1 : name.indexOf('/');
            if (cut < 0 || !slotNames().contains(name.substring(0, cut))) {
                throw new IllegalArgumentException("optimizer state has an unknown entry '" + name + "'");
            }
            Parameter param = byName.get(name.substring(cut + 1));
            if (param == null) {
                param = byPosition.get(positionalName(name.substring(cut + 1)));
            }
            if (param == null) {
                throw new IllegalArgumentException(
                        "optimizer state names parameter '" + name.substring(cut + 1) + "', which the model lacks");
            }
            if (param.isInitialized() && !param.getArray().getShape().equals(array.getShape())) {
                throw new IllegalArgumentException(
                        "optimizer state '" + name + "' has shape " + array.getShape()
                                + ", the parameter has " + param.getArray().getShape());
            }
            Map<Device, NDArray> perDevice = new ConcurrentHashMap<>();
            for (Device device : devices) {
                // A real copy: decoded arrays may point into buffers freed with their manager.
                NDArray copy = array.toDevice(device, false).duplicate();
                copy.detach();
                perDevice.put(device, copy);
            }
            slots.computeIfAbsent(name.substring(0, cut), k -> new ConcurrentHashMap<>())
                    .put(param.getId(), perDevice);
        }
    }
}
