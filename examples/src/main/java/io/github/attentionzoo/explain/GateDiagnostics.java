package io.github.attentionzoo.explain;

import java.util.Locale;

/** Tells from mean gates whether an SE block still attends: a block whose gates are all equal is switched off. */
public final class GateDiagnostics {

    private GateDiagnostics() {}

    /**
     * One line per SE block: the spread of its class means, the range of its gates, and a warning
     * when every gate is the same, which means the block's excitation weights have decayed to
     * nothing (sigmoid(0) = 0.5) and it no longer attends.
     *
     * @param block the SE block's index
     * @param m [classes][channels] mean gates
     * @return the line
     */
    public static String blockSummary(int block, double[][] m) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : m) {
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        String line = String.format(Locale.ROOT, "SE block %d: spread of class means %.4f, mean gates %.3f-%.3f",
                block, classSpread(m), min, max);
        if (max - min < 1e-3) {
            line += String.format(Locale.ROOT, " (switched off: every gate is %.3f for every class)", (min + max) / 2);
        }
        return line;
    }

    /**
     * Returns the mean over channels of the standard deviation across classes: near 0 means class-agnostic.
     *
     * @param m [classes][channels] mean gates
     * @return the spread
     */
    public static double classSpread(double[][] m) {
        double total = 0;
        for (int c = 0; c < m[0].length; c++) {
            double mean = 0;
            for (double[] row : m) {
                mean += row[c] / m.length;
            }
            double var = 0;
            for (double[] row : m) {
                var += (row[c] - mean) * (row[c] - mean) / m.length;
            }
            total += Math.sqrt(var);
        }
        return total / m[0].length;
    }
}
