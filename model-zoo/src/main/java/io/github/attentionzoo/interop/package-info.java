/**
 * Interoperation with other frameworks' files: PyTorch state dicts ({@code .npz}, {@code
 * .safetensors}) mapped onto the zoo's parameter names ({@link io.github.attentionzoo.interop.TorchStateDict},
 * {@link io.github.attentionzoo.interop.TorchImport}, {@link io.github.attentionzoo.interop.TorchExport}), NumPy tensors ({@link io.github.attentionzoo.interop.Npy}),
 * and ONNX export.
 */
package io.github.attentionzoo.interop;

