/** Calibration of int8 models: activation ranges measured on training images with ONNX Runtime. */
package io.github.attentionzoo.quantize;
