package io.github.attentionzoo.train;

import io.github.attentionzoo.io.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a confusion matrix as a PNG a person can read: every count written in its cell, colour on
 * a logarithmic scale so that the few mistakes off the diagonal stand apart from zero and from each
 * other, and the predicted classes' names turned 45 degrees so long ones do not run together.
 */
public final class ConfusionPlot {

    private static final int CELL = 64;

    private ConfusionPlot() {}

    /**
     * Writes the figure, atomically.
     *
     * @param matrix matrix[true][predicted]
     * @param classes the class names, in label order
     * @param file the PNG file
     * @throws IOException naming the file when it cannot be written
     */
    public static void write(long[][] matrix, List<String> classes, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int n = matrix.length;
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        int left = 24 + width(classes, labelFont);
        int top = 60;
        int bottom = 40 + width(classes, labelFont) * 3 / 4;
        BufferedImage img = new BufferedImage(left + n * CELL + 30, top + n * CELL + bottom, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        long max = 1;
        long total = 0;
        long right = 0;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                max = Math.max(max, matrix[t][p]);
                total += matrix[t][p];
                right += t == p ? matrix[t][p] : 0;
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(String.format(Locale.ROOT, "Confusion matrix: rows are the true class, columns the prediction"
                + " (accuracy %.2f%%)", total == 0 ? 0 : 100.0 * right / total), 12, 28);
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, n > 12 ? 10 : 13);
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                long v = matrix[t][p];
                double level = v == 0 ? 0 : Math.log1p(v) / Math.log1p(max);
                Color fill = t == p ? blend(new Color(235, 245, 235), new Color(20, 110, 40), level)
                        : blend(new Color(250, 250, 250), new Color(200, 30, 30), v == 0 ? 0 : 0.15 + 0.85 * level);
                int x = left + p * CELL;
                int y = top + t * CELL;
                g.setColor(fill);
                g.fillRect(x, y, CELL, CELL);
                g.setColor(new Color(210, 210, 210));
                g.setStroke(new BasicStroke(1));
                g.drawRect(x, y, CELL, CELL);
                g.setFont(countFont);
                g.setColor(level > 0.6 ? Color.WHITE : Color.BLACK);
                String text = Long.toString(v);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(text, x + (CELL - fm.stringWidth(text)) / 2, y + (CELL + fm.getAscent()) / 2 - 2);
            }
        }
        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < n; i++) {
            String name = classes.get(i);
            g.drawString(name, left - 8 - fm.stringWidth(name), top + i * CELL + (CELL + fm.getAscent()) / 2 - 2);
            AffineTransform saved = g.getTransform();
            g.translate(left + i * CELL + CELL / 2, top + n * CELL + 8);
            g.rotate(Math.toRadians(45));
            g.drawString(name, 0, fm.getAscent() / 2);
            g.setTransform(saved);
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    private static int width(List<String> names, Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        FontMetrics fm = g.getFontMetrics(font);
        int w = names.stream().mapToInt(fm::stringWidth).max().orElse(0);
        g.dispose();
        return w;
    }

    private static Color blend(Color from, Color to, double f) {
        return new Color((int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * f),
                (int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * f),
                (int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * f));
    }
}
