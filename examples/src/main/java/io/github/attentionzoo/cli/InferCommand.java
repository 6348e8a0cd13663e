package io.github.attentionzoo.cli;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.github.attentionzoo.app.OutputGuard;
import io.github.attentionzoo.interop.Npy;
import io.github.attentionzoo.zoo.ModelDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code infer}: raw logits for a raw NCHW tensor. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run a model in inference mode on a raw NCHW float32 .npy tensor; write the logits as .npy.")
final class InferCommand implements Callable<Integer> {

    @Option(names = "--model-dir", required = true, description = "The model directory.")
    Path modelDir;

    @Mixin EngineOption engine;

    @Option(names = "--input", required = true, description = "Input tensor [N, 3, H, W], float32 .npy.")
    Path input;

    @Option(names = "--output", required = true, description = "Where to write the outputs (.npy).")
    Path output;

    @Override
    public Integer call() throws Exception {
        OutputGuard.writableFile(output, "--output");
        OutputGuard.notAnInput(output, "--output", modelDir, input);
        ModelSource source = ModelSource.of(modelDir);
        int side = source.metadata().inputSize();
        long[] shape = Npy.header(input).shape();
        checkShape(shape, input);
        checkSide(shape, input, side, modelDir);
        try (Model model = source.load(engine);
                Predictor<NDList, NDArray> predictor = model.newPredictor(RAW)) {
            NDArray x = Npy.read(model.getNDManager(), input);
            checkInput(x, input);
            NDArray y = predictor.predict(new NDList(x));
            Npy.write(y, output);
            System.out.println("wrote " + y.getShape() + " to " + output);
        }
        return 0;
    }

    /** The network's raw output, kept in the model's manager once the prediction's own is closed. */
    private static final Translator<NDList, NDArray> RAW = new Translator<>() {
        @Override
        public NDList processInput(TranslatorContext ctx, NDList input) {
            return input;
        }

        @Override
        public NDArray processOutput(TranslatorContext ctx, NDList list) {
            NDArray y = list.head();
            y.attach(ctx.getModel().getNDManager());
            return y;
        }

        @Override
        public Batchifier getBatchifier() {
            return null;
        }
    };

    /**
     * The most pixel positions (images times height times width) one call takes: 1,024 CIFAR
     * images. Activation memory grows with it, so a larger tensor is refused before it is read.
     */
    static final long MAX_PIXELS = 1024L * 32 * 32;

    /** Rejects, from the header alone, a shape the network cannot take or that would exhaust memory. */
    static void checkShape(long[] shape, Path source) {
        String text = new Shape(shape).toString();
        if (shape.length != 4) {
            throw new IllegalArgumentException(source + ": expected a rank-4 NCHW tensor [N, 3, H, W], got shape " + text);
        }
        if (shape[1] != 3) {
            throw new IllegalArgumentException(source + ": expected 3 input channels (RGB), got " + shape[1]
                    + " (shape " + text + ")");
        }
        if (shape[0] == 0 || shape[2] == 0 || shape[3] == 0) {
            throw new IllegalArgumentException(source + ": shape " + text + " holds no pixels");
        }
        long pixels = shape[0] * shape[2] * shape[3];
        if (pixels > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s: shape %s is %,d pixel positions per channel; at most %,d (1,024 images of 32x32) per call,"
                            + " so split it", source, text, pixels, MAX_PIXELS));
        }
    }

    /**
     * Rejects images of another size than the model's input, on every engine alike: an exported
     * graph declares its input size, and a network trained at one size gives no answer to trust at
     * another, so neither engine is left to fail in its own words.
     */
    static void checkSide(long[] shape, Path source, int side, Path modelDir) {
        if (shape[2] != side || shape[3] != side) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: shape %s holds images of %dx%d pixels,"
                    + " but the model in %s takes %dx%d (the input size in its %s); resize them to %dx%d", source,
                    new Shape(shape), shape[2], shape[3], modelDir, side, side, ModelDirectory.METADATA, side, side));
        }
    }

    /** Rejects what the network would silently turn into garbage. */
    static void checkInput(NDArray x, Path source) {
        if (x.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalArgumentException(source + ": expected float32, got " + x.getDataType());
        }
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException(source + ": expected a rank-4 NCHW tensor [N, 3, H, W], got shape " + x.getShape());
        }
        if (x.getShape().get(1) != 3) {
            throw new IllegalArgumentException(source + ": expected 3 input channels (RGB), got " + x.getShape().get(1)
                    + " (shape " + x.getShape() + ")");
        }
        // Checked in Java: ONNX Runtime's arrays have no isNaN.
        for (float v : x.toFloatArray()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(source + ": input holds NaN or Inf values");
            }
        }
    }
}
