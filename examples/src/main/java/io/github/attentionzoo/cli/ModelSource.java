package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code --model NAME | --model-dir DIR} choice shared by the commands that run a model. */
final class ModelSource {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--model", description = "A zoo model with its shipped weights, e.g. se_resnet20.")
        String model;

        @Option(names = "--model-dir", description = "A model directory written by train, import-torch or export-serving.")
        Path modelDir;
    }

    /** Returns the directory holding the model, installing shipped weights when a name is given. */
    Path directory() throws IOException {
        if (choice.modelDir != null) {
            return choice.modelDir;
        }
        Architectures.spec(choice.model);
        if (!PretrainedStore.hasWeights(choice.model)) {
            throw new IllegalArgumentException("no pretrained weights ship for '" + choice.model
                    + "' yet; train it (attentionzoo train --model " + choice.model + ") and pass --model-dir");
        }
        return PretrainedStore.install(choice.model);
    }

    /** Loads the model for inference. */
    Model load() throws IOException {
        return ModelArtifacts.load(directory(), null);
    }

    /** Returns the model's metadata. */
    ModelMetadata metadata() throws IOException {
        return ModelMetadata.read(directory());
    }
}
