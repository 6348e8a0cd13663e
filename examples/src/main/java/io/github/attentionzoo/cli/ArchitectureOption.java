package io.github.attentionzoo.cli;

import io.github.attentionzoo.zoo.Architectures;
import picocli.CommandLine.Option;

/**
 * {@code --model} where it names an architecture to build, not shipped weights ({@code train},
 * {@code bench}, {@code summary}, {@code import-torch}): one description, so every help text says so.
 */
final class ArchitectureOption {

    @Option(names = "--model", required = true, paramLabel = "ARCHITECTURE", description = "An architecture to build"
            + " (untrained; its shipped weights are not used here), e.g. se_resnet20; `models` lists them.")
    String name;

    /** The architecture's name, checked against the registry. */
    String name() {
        Architectures.spec(name);
        return name;
    }
}
