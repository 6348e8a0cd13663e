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
        // DJL's activations and pooling are lambdas; their name ("ReLU") says what they are.
        String type = b instanceof ai.djl.nn.LambdaBlock l && l.getName() != null ? l.getName() : b.getClass().getSimpleName();
        rows.add(new Row(path, type, out, directParameters(b), macs));
        return out;
    }

    /** The widest layer column; deeper names are cut from the left, where the tree above already shows them. */
    private static final int NAME_WIDTH = 44;

    /**
     * Formats the table as a tree, totals last: a block's name once, on a line of its own, and its
     * layers indented beneath it, so no row runs past its column.
     *
     * @return the table
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        String header = "%-" + NAME_WIDTH + "s %-18s %-18s %10s %14s%n";
        sb.append(String.format(Locale.ROOT, header, "layer", "type", "output", "params", "MACs"));
        String[] previous = new String[0];
        for (Row r : rows) {
            String[] parts = r.path().split("\\.");
            int common = 0;
            while (common < Math.min(previous.length, parts.length - 1) && previous[common].equals(parts[common])) {
                common++;
            }
            for (int d = common; d < parts.length - 1; d++) {
                sb.append(fit("  ".repeat(d) + display(parts[d])).stripTrailing()).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "%s %-18s %-18s %,10d %,14d%n",
                    fit("  ".repeat(parts.length - 1) + display(parts[parts.length - 1])), r.type(), r.output(),
                    r.parameters(), r.macs()));
            previous = parts;
        }
        sb.append(String.format(Locale.ROOT, "total: %,d parameters, %,d MACs (%.2f M) per image%n",
                totalParameters(), totalMacs(), totalMacs() / 1e6));
        return sb.toString();
    }

    /** A child's name as DJL numbers it ("02SequentialBlock") shown as "SequentialBlock #2". */
    private static String display(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{2})(\\D.*)").matcher(name);
        return m.matches() ? m.group(2) + " #" + Integer.parseInt(m.group(1)) : name;
    }

    private static String fit(String text) {
        return text.length() <= NAME_WIDTH ? String.format(Locale.ROOT, "%-" + NAME_WIDTH + "s", text)
                : text.substring(0, NAME_WIDTH - 1) + "\u2026";
    }
}
