/**
 * Channel-attention layers for DJL: Squeeze-and-Excitation ({@link
 * io.github.attentionzoo.nn.SqueezeExcitation}), Selective Kernel ({@link
 * io.github.attentionzoo.nn.SelectiveKernel}) and the residual blocks that carry them ({@link
 * io.github.attentionzoo.nn.BasicBlock}, {@link io.github.attentionzoo.nn.Bottleneck}, each taking an
 * {@link io.github.attentionzoo.nn.Attention}).
 *
 * <p>Every layer is an ordinary {@link ai.djl.nn.Block}: it composes into any {@link
 * ai.djl.nn.SequentialBlock}, saves and loads with {@link ai.djl.Model}, and runs on whatever
 * device its input lives on.
 */
package io.github.attentionzoo.nn;

import ai.djl.Model;
import ai.djl.nn.Block;

