/**
 * What the project knows about each kind of block, one class per kind: how it becomes ONNX nodes,
 * how a per-layer summary counts it, and what attention it records. {@link
 * io.github.attentionzoo.blockkinds.BlockKinds} maps each block class to its {@link
 * io.github.attentionzoo.blockkinds.BlockKind}; the ONNX exporter ({@code interop}), the summary
 * and the attention explanations (examples) look kinds up there. {@link
 * io.github.attentionzoo.blockkinds.OnnxGraph} is the graph the kinds write into; the file format
 * is {@code interop}'s.
 */
package io.github.attentionzoo.blockkinds;
