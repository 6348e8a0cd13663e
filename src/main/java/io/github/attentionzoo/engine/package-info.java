/**
 * Process-wide engine settings that the zoo's networks need to run right on any CPU: libtorch's
 * NNPACK switched off where its hardware probe fails, and ONNX Runtime's extracted natives removed
 * from the temporary directory once loaded.
 */
package io.github.attentionzoo.engine;
