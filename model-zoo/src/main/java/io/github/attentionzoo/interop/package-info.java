/**
 * The zoo's models in other frameworks' files: PyTorch state dicts ({@code .npz}, {@code
 * .safetensors}) read and written under PyTorch's names ({@link io.github.attentionzoo.interop.TorchImport},
 * {@link io.github.attentionzoo.interop.TorchExport}, {@link io.github.attentionzoo.interop.TorchStateDict}),
 * NumPy tensors ({@link io.github.attentionzoo.interop.Npy}), and ONNX ({@link
 * io.github.attentionzoo.interop.OnnxExport}), written by walking the block tree.
 */
package io.github.attentionzoo.interop;
