package io.github.attentionzoo.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers {@link AttentionZoo} with DJL through {@code META-INF/services}. */
public class AttentionZooProvider implements ZooProvider {

    /** {@inheritDoc} */
    @Override
    public ModelZoo getModelZoo() {
        return new AttentionZoo();
    }
}
