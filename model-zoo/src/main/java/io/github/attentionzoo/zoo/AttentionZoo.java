package io.github.attentionzoo.zoo;

import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelZoo;

import java.util.Set;

/**
 * The attentionzoo model zoo, group id {@value #GROUP_ID}: one {@link ZooModelLoader} per
 * architecture in {@link Architectures}. DJL finds it through {@link AttentionZooProvider}, so
 * {@code Criteria} with this group id, or a {@code djl://io.github.attentionzoo/NAME} URL, loads
 * our models without naming a class of ours.
 */
public class AttentionZoo extends ModelZoo {

    /** The zoo's group id. */
    public static final String GROUP_ID = "io.github.attentionzoo";

    /** Registers a loader for every architecture. */
    public AttentionZoo() {
        for (String name : Architectures.names()) {
            addModel(new ZooModelLoader(name));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedEngines() {
        return Set.of(ModelDirectory.PYTORCH, ModelDirectory.ONNX_RUNTIME);
    }

    /**
     * Returns the loader of a model; for a {@code djl://} URL DJL then reads DJL's model cache,
     * so the shipped weights are put there first.
     *
     * @param name the model's name
     * @return the loader, or null when the zoo has no such model
     */
    @Override
    public ModelLoader getModelLoader(String name) {
        ModelLoader loader = super.getModelLoader(name);
        if (loader != null) {
            PretrainedStore.installQuietly(name);
        }
        return loader;
    }
}
