package io.github.attentionzoo.train;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Recipe;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Prepares a pretrained model for fine-tuning: a fresh classifier when the class count changes
 * (everything else copied), and the split between backbone and head that freezing and the lower
 * backbone learning rate act on.
 */
public final class FineTuning {

    /** How much lower the backbone's learning rate is than the head's. */
    public static final float BACKBONE_LR_SCALE = 0.1f;

    private final Model model;
    private final ModelDescription metadata;
    private final Set<String> head;

    private FineTuning(Model model, ModelDescription metadata, Set<String> head) {
        this.model = model;
        this.metadata = metadata;
        this.head = head;
    }

    /**
     * Loads a model directory for fine-tuning to {@code numClasses} classes.
     *
     * @param dir the pretrained model directory
     * @param numClasses the classes of the new task
     * @return the prepared model
     * @throws IOException when the directory cannot be loaded
     */
    public static FineTuning load(Path dir, int numClasses) throws IOException {
        return load(ModelDirectory.open(dir), numClasses);
    }

    /**
     * Loads an opened model directory for fine-tuning to {@code numClasses} classes: its network is
     * built once, for {@code numClasses}; a new classifier starts afresh and every other parameter
     * is read from the directory straight into it.
     *
     * @param dir the pretrained model directory
     * @param numClasses the classes of the new task
     * @return the prepared model
     * @throws IOException when the directory cannot be loaded
     */
    public static FineTuning load(ModelDirectory dir, int numClasses) throws IOException {
        Pair<Model, ModelDescription> loaded = dir.loadWithClasses(numClasses, null);
        Model model = loaded.getKey();
        return new FineTuning(model, loaded.getValue(), ModelDirectory.headNames(model.getBlock()));
    }

    /** Fine-tuning needs at least this many optimizer steps to move a pretrained network. */
    public static final int MIN_STEPS = 300;

    /**
     * Returns the fine-tuning recipe for a training set of {@code images}: the pretrained model's
     * optimizer at a tenth of its rate (the backbone gets a tenth of that), no warmup, Cutout or
     * smoothing; a batch size the set can fill several times over; and enough epochs for {@value
     * #MIN_STEPS} steps (at least 10). Each given value replaces the computed one.
     *
     * @param base the pretrained model's recipe
     * @param images the number of training images
     * @param epochs the epochs, or null
     * @param batchSize the batch size, or null
     * @param lr the head's learning rate, or null
     * @return the recipe
     */
    public static Recipe recipe(Recipe base, int images, Integer epochs, Integer batchSize, Float lr) {
        int batch = batchSize != null ? batchSize : 64;
        if (batchSize == null) {
            // Halve until an epoch holds at least 8 steps: a small folder would otherwise give one step an epoch.
            while (batch > 8 && images / batch < 8) {
                batch /= 2;
            }
        }
        int steps = Math.max(1, images / batch);
        int e = epochs != null ? epochs : Math.max(10, Math.min(500, (MIN_STEPS + steps - 1) / steps));
        return base.toBuilder().epochs(e).batchSize(batch).lr(lr != null ? lr : base.lr() / 10).warmupEpochs(0)
                .labelSmoothing(0f).cutout(0).ema(0f).build();
    }

    /**
     * Returns the model (its own block, weights loaded).
     *
     * @return the model
     */
    public Model model() {
        return model;
    }

    /**
     * Returns what the model being tuned is (its class count the new task's).
     *
     * @return the description
     */
    public ModelDescription description() {
        return metadata;
    }

    /**
     * Returns the metadata of the model being tuned, in its mutable form.
     *
     * @return the metadata
     * @deprecated use {@link #description()}
     */
    @Deprecated
    public io.github.attentionzoo.zoo.ModelMetadata metadata() {
        return io.github.attentionzoo.zoo.ModelMetadata.of(metadata);
    }

    /**
     * Returns the names of the classifier's parameters.
     *
     * @return the head's parameter names
     */
    public Set<String> head() {
        return head;
    }

    /**
     * Returns the names of every parameter outside the head.
     *
     * @return the backbone's parameter names
     */
    public Set<String> backbone() {
        Set<String> names = new HashSet<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (!head.contains(p.getKey())) {
                names.add(p.getKey());
            }
        }
        return names;
    }

    /**
     * Returns the per-parameter learning-rate factors: {@value #BACKBONE_LR_SCALE} for the backbone.
     *
     * @return name to factor
     */
    public Map<String, Float> backboneLrScale() {
        Map<String, Float> scale = new HashMap<>();
        for (String name : backbone()) {
            scale.put(name, BACKBONE_LR_SCALE);
        }
        return scale;
    }
}
