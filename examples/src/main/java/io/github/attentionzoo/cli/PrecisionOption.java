package io.github.attentionzoo.cli;

import io.github.attentionzoo.zoo.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --precision}: fp32 (the default) or int8, the statically quantized model, which runs on
 * ONNX Runtime only.
 */
final class PrecisionOption {

    @Option(names = "--precision", paramLabel = "PRECISION", description = "fp32 (default) or int8 (with --engine"
            + " OnnxRuntime: the model's int8 QDQ file, calibrated on training images).")
    String precision = "fp32";

    /** The precision chosen, refused in one line when unknown. */
    Precision get() {
        try {
            return Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision " + precision + ": use fp32 or int8");
        }
    }

    /** The precision chosen, refused in one line when unknown or int8 off ONNX Runtime. */
    Precision get(EngineOption engine) {
        Precision p = get();
        if (p == Precision.INT8 && !engine.onnx()) {
            throw new IllegalArgumentException("--precision int8 runs on ONNX Runtime only: add --engine OnnxRuntime");
        }
        return p;
    }
}
