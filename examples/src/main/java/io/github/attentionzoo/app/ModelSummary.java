package io.github.attentionzoo.app;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import io.github.attentionzoo.nn.ResidualBlock;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.SqueezeExcitation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A per-layer table of an initialized network: output shape, parameters and multiply-accumulates
 * (MACs) for one image, in the spirit of torchstat. MACs count convolutions, linear layers and the
 * attention layers' rescaling; BatchNorm, activations and pooling count as zero.
 */
public final class ModelSummary {

    /**
     * One layer.
     *
     * @param path the layer's position, e.g. {@code 02SequentialBlock.01SEBasicBlock.01residual}
     * @param type the block's class
     * @param output the output shape
     * @param parameters trainable parameters of this layer alone
     * @param macs multiply-accumulates for one image
     */
    public record Row(String path, String type, Shape output, long parameters, long macs) {}

    private final List<Row> rows = new ArrayList<>();

    private ModelSummary() {}

    /**
     * Summarises a network for one input.
     *
     * @param block the initialized network
     * @param input the input shape, batch 1
     * @return the summary
     */
    public static ModelSummary of(Block block, Shape input) {
        ModelSummary s = new ModelSummary();
        s.walk(block, input, "");
        return s;
    }

    /**
     * Returns the rows, in execution order.
     *
     * @return the rows
     */
    public List<Row> rows() {
        return rows;
    }

    /**
     * Returns the total trainable parameters.
     *
     * @return the parameters
     */
    public long totalParameters() {
        return rows.stream().mapToLong(Row::parameters).sum();
    }

    /**
     * Returns the total MACs for one image.
     *
     * @return the MACs
     */
    public long totalMacs() {
        return rows.stream().mapToLong(Row::macs).sum();
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

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private Shape walk(Block b, Shape in, String path) {
        if (b instanceof SequentialBlock) {
            Shape s = in;
            for (Pair<String, Block> c : b.getChildren()) {
                s = walk(c.getValue(), s, join(path, c.getKey()));
            }
            return s;
        }
        if (b instanceof ResidualBlock) {
            Shape out = null;
            for (Pair<String, Block> c : b.getChildren()) {
                Shape s = walk(c.getValue(), in, join(path, c.getKey()));
                out = out == null ? s : out;
            }
            // The addition: one op per output element.
            rows.add(new Row(join(path, "add+relu"), "Add", out, 0, out.size() / out.get(0)));
            return out;
        }
        Shape batchVector = new Shape(in.get(0), in.get(1));
        if (b instanceof SqueezeExcitation se) {
            Shape hidden = null;
            for (Pair<String, Block> c : b.getChildren()) {
                hidden = walk(c.getValue(), hidden == null ? batchVector : hidden, join(path, c.getKey()));
            }
            rows.add(new Row(join(path, "scale"), "SqueezeExcitation", in, 0, in.size() / in.get(0)));
            return in;
        }
        if (b instanceof SelectiveKernel sk) {
            Shape out = b.getOutputShapes(new Shape[] {in})[0];
            Shape z = new Shape(in.get(0), sk.getHidden());
            for (Pair<String, Block> c : b.getChildren()) {
                String name = c.getKey();
                Shape from = name.contains("convs") ? in : name.endsWith("fc") ? new Shape(in.get(0), out.get(1)) : z;
                walk(c.getValue(), from, join(path, name));
            }
            long perImage = out.size() / out.get(0);
            rows.add(new Row(join(path, "select"), "SelectiveKernel", out, 0, perImage * sk.getKernels().length));
            return out;
        }
        Shape out = b.getOutputShapes(new Shape[] {in})[0];
        long macs = 0;
        if (b instanceof Conv2d || b instanceof Linear) {
            long weights = b.getParameters().get("weight").getArray().size();
            long spatial = b instanceof Conv2d ? out.get(2) * out.get(3) : 1;
            macs = weights * spatial;
        }
        rows.add(new Row(path, b.getClass().getSimpleName(), out, directParameters(b), macs));
        return out;
    }

    /**
     * Formats the table, totals last.
     *
     * @return the table
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-64s %-18s %-18s %10s %14s%n", "layer", "type", "output", "params", "MACs"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-64s %-18s %-18s %,10d %,14d%n",
                    r.path(), r.type(), r.output(), r.parameters(), r.macs()));
        }
        sb.append(String.format(Locale.ROOT, "total: %,d parameters, %,d MACs (%.2f M) per image%n",
                totalParameters(), totalMacs(), totalMacs() / 1e6));
        return sb.toString();
    }
}
