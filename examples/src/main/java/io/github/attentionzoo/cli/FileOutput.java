package io.github.attentionzoo.cli;

import io.github.attentionzoo.app.OutputGuard;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --output FILE} of the commands that write one file from a model (export-torch, export-onnx). */
final class FileOutput {

    @Option(names = "--output", required = true, paramLabel = "FILE",
            description = "The file to write (atomically; refused when it is a directory, a device or the model).")
    Path file;

    /** Refuses a file that is not a writable regular file or that is the model; returns the model's directory. */
    Path check(ModelSource source) throws IOException {
        OutputGuard.writableFile(file, "--output");
        Path from = source.directory();
        OutputGuard.notAnInput(file, "--output", from);
        return from;
    }
}
