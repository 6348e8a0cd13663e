package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.interop.OnnxFiles;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
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

    private Path resolved;
    private ModelDirectory opened;

    /** A source for a directory given by another option (infer's --model-dir). */
    static ModelSource of(Path modelDir) {
        ModelSource s = new ModelSource();
        s.choice = new Choice();
        s.choice.modelDir = modelDir;
        return s;
    }

    /**
     * Returns the directory holding the model, installing shipped weights when a name is given;
     * resolved once per command.
     */
    Path directory() throws IOException {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private Path resolve() throws IOException {
        if (choice.modelDir != null) {
            return choice.modelDir;
        }
        Architectures.spec(choice.model);
        try {
            PretrainedStore.requireWeights(choice.model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model " + choice.model + ": " + e.getMessage() + " (--model-dir)", e);
        }
        return PretrainedStore.install(choice.model);
    }

    /** The model as the user named it: the zoo name, or the directory. */
    String describe() {
        return choice.model != null ? choice.model : choice.modelDir.toString();
    }

    /** The directory, opened (its metadata read) once per command. */
    ModelDirectory opened() throws IOException {
        if (opened == null) {
            opened = ModelDirectory.open(directory());
        }
        return opened;
    }

    /** Loads the model for inference on PyTorch. */
    Model load() throws IOException {
        return opened().load(ModelDirectory.PYTORCH, null);
    }

    /**
     * Loads the model for inference on the chosen engine. On ONNX Runtime a directory without a
     * {@code .onnx} (a model trained, fine-tuned or imported here) is exported for this run into a
     * temporary directory, which is deleted when the JVM exits; the user's directory is not written.
     */
    Model load(EngineOption engine) throws IOException {
        if (!engine.onnx()) {
            return load();
        }
        ModelDirectory dir = opened();
        if (!dir.hasOnnx(Precision.FP32)) {
            System.err.println("note: " + dir.path() + " has no .onnx; exporting it for this run (export-onnx"
                    + " --output FILE.onnx keeps one)");
            dir = OnnxFiles.temporaryDirectory(dir, null);
        }
        Model model = dir.load(ModelDirectory.ONNX_RUNTIME, null);
        String unchecked = model.getProperty(ModelDirectory.ONNX_UNCHECKED);
        if (unchecked != null) {
            System.err.println("note: " + unchecked);
        }
        return model;
    }

    /**
     * Loads the model on the chosen engine in the chosen precision. int8 takes the directory's
     * {@code ARCH-int8.onnx}, else quantizes it for this run from the directory's calibration
     * ranges into a temporary directory.
     */
    Model load(EngineOption engine, PrecisionOption precision) throws IOException {
        if (precision.get(engine) == Precision.FP32) {
            return load(engine);
        }
        ModelDirectory dir = opened();
        String int8 = Precision.INT8.onnxName(dir.metadata().architecture());
        if (!dir.hasOnnx(Precision.INT8)) {
            boolean weights = dir.hasParameters();
            if (!dir.hasFile(ActivationRanges.FILE) || !weights) {
                throw new IllegalArgumentException("--precision int8: " + dir.path() + " has no " + int8 + (weights
                        ? " nor " + ActivationRanges.FILE + "; make one with export-serving --engine OnnxRuntime"
                                + " --precision int8 --calibration-data DIR"
                        : ", and no weights to make one from"));
            }
            Path ranges = dir.path().resolve(ActivationRanges.FILE);
            System.err.println("note: " + dir.path() + " has no " + int8 + "; quantizing it for this run from " + ranges);
            dir = OnnxFiles.temporaryDirectory(dir, ActivationRanges.read(ranges));
        }
        return dir.load(ModelDirectory.ONNX_RUNTIME, null, null, Precision.INT8);
    }

    /** Returns the model's metadata, read once per command. */
    ModelDescription metadata() throws IOException {
        return opened().metadata();
    }
}
