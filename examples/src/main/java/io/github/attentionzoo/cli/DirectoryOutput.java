package io.github.attentionzoo.cli;

import io.github.attentionzoo.app.OutputGuard;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --output DIR [--force]} of the commands that write a model directory whole (export-serving, import-torch). */
final class DirectoryOutput {

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The model directory to write"
            + " (replaced atomically; refused when it holds files that are not a model directory's).")
    Path dir;

    @Option(names = "--force", description = "Replace --output even when it holds files that are not a model directory's.")
    boolean force;

    /** Refuses a directory that is one of the inputs, or holds what is not ours to replace. */
    void check(Path... inputs) throws IOException {
        OutputGuard.notAnInput(dir, "--output", inputs);
        OutputGuard.replaceableDirectory(dir, "--output", force);
    }
}
