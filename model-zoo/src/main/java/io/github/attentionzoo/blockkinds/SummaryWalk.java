package io.github.attentionzoo.blockkinds;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * What a per-layer summary (such as the examples' {@code ModelSummary}) gives a {@link BlockKind}
 * while it summarises a block: a way down into the block's children, and a table to add rows to.
 */
public interface SummaryWalk {

    /**
     * Summarises a child block: adds its rows and returns its output shape.
     *
     * @param block the child
     * @param input its input shape, batch 1
     * @param path its position, e.g. {@code 02SequentialBlock.01SEBasicBlock}
     * @return its output shape
     */
    Shape child(Block block, Shape input, String path);

    /**
     * Adds one row to the table.
     *
     * @param path the layer's position
     * @param type what the layer is, e.g. {@code Conv2d} or {@code ReLU}
     * @param output its output shape
     * @param parameters trainable parameters of this layer alone
     * @param macs multiply-accumulates for one image
     */
    void row(String path, String type, Shape output, long parameters, long macs);
}
