package io.github.attentionzoo.blockkinds;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.nn.AttentionRecorder;

/**
 * Everything this project knows about one kind of block, in one place: how it becomes ONNX
 * nodes, how a per-layer summary counts it, and what attention it records. {@link BlockKinds}
 * maps each block class to its kind; the ONNX exporter, the summary and the attention
 * explanations look it up there and switch on nothing else.
 *
 * <p>The kinds are this package's; a new layer gets a subclass here and one entry in {@link
 * BlockKinds}.
 */
public abstract class BlockKind {

    BlockKind() {}

    /**
     * Emits the block's ONNX nodes on {@code x} and returns its output value; refuses, naming the
     * block and its place, what ONNX cannot express.
     */
    abstract OnnxGraph.Value toOnnx(OnnxGraph graph, Block block, String path, OnnxGraph.Value x);

    /**
     * Summarises a block of this kind: its rows (its children's, and its own work), and its
     * output shape. By default the block is one layer: its own parameters, no MACs.
     *
     * @param walk the summary being built
     * @param block the block
     * @param input its input shape, batch 1
     * @param path its position in the tree
     * @return its output shape
     */
    public Shape summarize(SummaryWalk walk, Block block, Shape input, String path) {
        return layer(walk, block, input, path, 0);
    }

    /**
     * Returns the kind of {@link AttentionRecorder.Record} blocks of this kind write, or null when
     * they record nothing.
     *
     * @return e.g. {@link AttentionRecorder#GATES}, or null
     */
    public String recordKind() {
        return null;
    }

    /**
     * Returns whether a recorded attention record came from a block of this kind.
     *
     * @param record a record
     * @return whether this kind wrote it
     */
    public final boolean wrote(AttentionRecorder.Record record) {
        return recordKind() != null && recordKind().equals(record.getKind());
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return getClass().getSimpleName();
    }

    /** A block summarised as one row: its own parameters and the given MACs. */
    static Shape layer(SummaryWalk walk, Block block, Shape input, String path, long macs) {
        Shape out = block.getOutputShapes(new Shape[] {input})[0];
        // DJL's activations and pooling are lambdas; their name ("ReLU") says what they are.
        String type = block instanceof LambdaBlock l && l.getName() != null ? l.getName() : block.getClass().getSimpleName();
        walk.row(path, type, out, directParameters(block), macs);
        return out;
    }

    /** A container summarised as its children in order, each on the previous one's output. */
    static Shape sequence(SummaryWalk walk, Block block, Shape input, String path) {
        Shape s = input;
        for (Pair<String, Block> c : block.getChildren()) {
            s = walk.child(c.getValue(), s, OnnxGraph.join(path, c.getKey()));
        }
        return s;
    }

    private static long directParameters(Block b) {
        long n = 0;
        for (Pair<String, Parameter> p : b.getDirectParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }
}
