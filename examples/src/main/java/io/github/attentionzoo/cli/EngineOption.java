package io.github.attentionzoo.cli;

import io.github.attentionzoo.zoo.ModelDirectory;
import picocli.CommandLine.Option;

/** {@code --engine}: the engine a command runs a model on, PyTorch (the default) or ONNX Runtime. */
final class EngineOption {

    @Option(names = "--engine", paramLabel = "ENGINE", description = "PyTorch (default) or OnnxRuntime"
            + " (inference only; the model's .onnx, exported for this run when its directory has none).")
    String engine = ModelDirectory.PYTORCH;

    /** Whether ONNX Runtime was chosen; checks the name. */
    boolean onnx() {
        if (engine.equalsIgnoreCase(ModelDirectory.ONNX_RUNTIME) || engine.equalsIgnoreCase("onnx")) {
            // DJL's ONNX Runtime engine would otherwise start libtorch for NDArray work it lacks.
            System.setProperty("ai.djl.onnx.disable_alternative", "true");
            return true;
        }
        if (engine.equalsIgnoreCase(ModelDirectory.PYTORCH)) {
            return false;
        }
        throw new IllegalArgumentException("--engine " + engine + ": use PyTorch or OnnxRuntime");
    }

    /** The engine's DJL name. */
    String name() {
        return onnx() ? ModelDirectory.ONNX_RUNTIME : ModelDirectory.PYTORCH;
    }
}
