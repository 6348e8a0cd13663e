package io.github.attentionzoo.app;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.blockkinds.SummaryWalk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A per-layer table of an initialized network: output shape, parameters and multiply-accumulates
 * (MACs) for one image, in the spirit of torchstat. MACs count convolutions, linear layers and the
 * attention layers' rescaling; BatchNorm, activations and pooling count as zero. What each block
 * contributes is its kind's ({@link BlockKinds}).
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

    private Shape walk(Block b, Shape in, String path) {
        return BlockKinds.summarize(table, b, in, path);
    }

    /** What each block's kind sees of this summary: the walk down and the rows. */
    private final SummaryWalk table = new SummaryWalk() {
        @Override
        public Shape child(Block block, Shape input, String path) {
            return walk(block, input, path);
        }

        @Override
        public void row(String path, String type, Shape output, long parameters, long macs) {
            rows.add(new Row(path, type, output, parameters, macs));
        }
    };

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
