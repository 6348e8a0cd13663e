package io.github.attentionzoo.blockkinds;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.Bottleneck;
import io.github.attentionzoo.nn.ConvBnActBlock;
import io.github.attentionzoo.nn.NamedSequentialBlock;
import io.github.attentionzoo.nn.ResidualBlock;
import io.github.attentionzoo.nn.SEBasicBlock;
import io.github.attentionzoo.nn.SEBottleneck;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mapping from block class to {@link BlockKind}: the one place a new layer is registered.
 * The ONNX exporter takes a block's own class only ({@link #of(Block)}: a subclass may override
 * forward and compute something else); a summary takes the nearest known class above it ({@link
 * #nearest(Block)}).
 */
public final class BlockKinds {

    /** Squeeze-and-Excitation: records its gates. */
    public static final BlockKind SQUEEZE_EXCITATION = new SqueezeExcitationKind();
    /** Selective Kernel: records its branch weights. */
    public static final BlockKind SELECTIVE_KERNEL = new SelectiveKernelKind();

    private static final Map<Class<? extends Block>, BlockKind> KINDS = kinds();

    private BlockKinds() {}

    @SuppressWarnings("deprecation") // the SE-named residual blocks still load saved models
    private static Map<Class<? extends Block>, BlockKind> kinds() {
        Map<Class<? extends Block>, BlockKind> m = new LinkedHashMap<>();
        BlockKind sequential = new SequentialKind();
        m.put(SequentialBlock.class, sequential);
        m.put(NamedSequentialBlock.class, sequential);
        m.put(ConvBnActBlock.class, new ConvBnActKind());
        m.put(Conv2d.class, new Conv2dKind());
        m.put(BatchNorm.class, new BatchNormKind());
        m.put(Linear.class, new LinearKind());
        BlockKind residual = new ResidualKind();
        // The abstract class is listed for summaries of other subclasses; the exporter never
        // meets it, as no block's own class is abstract.
        m.put(ResidualBlock.class, residual);
        m.put(BasicBlock.class, residual);
        m.put(Bottleneck.class, residual);
        m.put(SEBasicBlock.class, residual);
        m.put(SEBottleneck.class, residual);
        m.put(SqueezeExcitation.class, SQUEEZE_EXCITATION);
        m.put(SelectiveKernel.class, SELECTIVE_KERNEL);
        m.put(MaxPool2dBlock.class, new MaxPoolKind());
        m.put(LambdaBlock.class, new LambdaKind());
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns every block class with its kind.
     *
     * @return the mapping, unmodifiable
     */
    public static Map<Class<? extends Block>, BlockKind> all() {
        return KINDS;
    }

    /**
     * Returns the kind of a block's own class.
     *
     * @param block a block
     * @return its kind, or null when its class is not one of {@link #all()}
     */
    public static BlockKind of(Block block) {
        return KINDS.get(block.getClass());
    }

    /**
     * Returns the kind of a block's class or of the nearest class above it that has one.
     *
     * @param block a block
     * @return the kind, or null when no class above it has one
     */
    public static BlockKind nearest(Block block) {
        for (Class<?> c = block.getClass(); c != null; c = c.getSuperclass()) {
            BlockKind kind = KINDS.get(c);
            if (kind != null) {
                return kind;
            }
        }
        return null;
    }

    /**
     * Summarises a block through its {@link #nearest(Block)} kind; a block of no known kind is
     * one layer with its own parameters and no MACs.
     *
     * @param walk the summary being built
     * @param block the block
     * @param input its input shape, batch 1
     * @param path its position in the tree
     * @return its output shape
     */
    public static Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        BlockKind kind = nearest(block);
        return kind == null ? BlockKind.layer(walk, block, input, path, 0) : kind.summarize(walk, block, input, path);
    }
}
