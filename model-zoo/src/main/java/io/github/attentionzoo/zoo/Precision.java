package io.github.attentionzoo.zoo;

import java.util.Locale;

/**
 * The numeric precision a model runs in: float32 (the default, on every engine) or int8 (ONNX
 * Runtime only, from a statically quantized QDQ file beside the float one).
 */
public enum Precision {
    /** 32-bit float weights and activations. */
    FP32,
    /** int8 weights and uint8 activations, calibrated on training images. */
    INT8;

    /** The name of the filter, Criteria option and CLI value that selects a precision. */
    public static final String KEY = "precision";

    /**
     * Parses a precision's name, case-insensitively; null is fp32.
     *
     * @param name {@code fp32} or {@code int8}
     * @return the precision
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static Precision parse(String name) {
        if (name == null) {
            return FP32;
        }
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "fp32": case "float32": return FP32;
            case "int8": return INT8;
            default: throw new IllegalArgumentException("precision '" + name + "': use fp32 or int8");
        }
    }

    /**
     * Returns the name of a model directory's ONNX file in this precision.
     *
     * @param architecture the architecture's name
     * @return {@code ARCH.onnx} or {@code ARCH-int8.onnx}
     */
    public String onnxName(String architecture) {
        return this == FP32 ? architecture + ".onnx" : architecture + "-int8.onnx";
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
