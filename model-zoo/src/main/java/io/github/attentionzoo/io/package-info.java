/**
 * File helpers every part of the project writes and reads through: atomic replacement of files
 * and directories ({@link io.github.attentionzoo.io.AtomicFiles}), bounded text reads ({@link
 * io.github.attentionzoo.io.TextFiles}), the bounded read of an ONNX file's metadata ({@link
 * io.github.attentionzoo.io.OnnxMetadataProps}) and one-line messages ({@link io.github.attentionzoo.io.Messages}).
 */
package io.github.attentionzoo.io;

