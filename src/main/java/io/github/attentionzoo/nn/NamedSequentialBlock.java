package io.github.attentionzoo.nn;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * A {@link SequentialBlock} whose children can be named by the caller. DJL names a child after its
 * class, and parameter names (which optimizer state and checkpoints are keyed by) after their
 * children, so renaming a block class would rename every parameter of the networks built from it;
 * architectures add their blocks under stable names instead.
 */
public class NamedSequentialBlock extends SequentialBlock {

    /**
     * Appends a block under a given name (DJL numbers it, as {@code 02SequentialBlock}).
     *
     * @param name the name the block's parameters are found under
     * @param block the block
     * @return this block
     */
    public NamedSequentialBlock add(String name, Block block) {
        if (block != null) {
            addChildBlock(name, block);
        }
        return this;
    }
}
