/**
 * Interoperability with other frameworks: {@link io.github.attentionzoo.interop.OnnxExport} writes
 * any network made of the zoo's and DJL's supported blocks as a standalone ONNX model.
 */
package io.github.attentionzoo.interop;
