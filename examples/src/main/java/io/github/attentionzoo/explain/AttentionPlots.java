package io.github.attentionzoo.explain;

import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.AttentionRecorder;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The pictures of {@code explain}: gate heatmaps per image and the SE paper's excitation figure. */
public final class AttentionPlots {

    private AttentionPlots() {}

    /**
     * Draws one image's SE gates as a heatmap, SE layers as rows and channels as columns.
     *
     * @param records the recorded attention of one image
     * @param title the title (the top-5 prediction)
     * @param file the PNG
     * @throws IOException when writing fails
     */
    public static void gateHeatmap(List<AttentionRecorder.Record> records, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<AttentionRecorder.Record> gates = records.stream().filter(BlockKinds.SQUEEZE_EXCITATION::wrote).toList();
        if (gates.isEmpty()) {
            return;
        }
        int channels = gates.stream().mapToInt(r -> (int) r.getShape()[1]).max().orElse(1);
        int cell = Math.max(6, Math.min(24, 960 / channels));
        int rowHeight = 22;
        int left = 70;
        int top = 50;
        int plotW = channels * cell;
        int plotH = gates.size() * rowHeight;
        BufferedImage img = new BufferedImage(left + plotW + 110, top + plotH + 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        for (int b = 0; b < gates.size(); b++) {
            float[] v = gates.get(b).getValues();
            int y = top + b * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString("SE " + b, 10, y + rowHeight - 6);
            for (int c = 0; c < v.length; c++) {
                g.setColor(gateColor(v[c]));
                g.fillRect(left + c * cell, y, cell, rowHeight - 2);
            }
        }
        g.setColor(Color.BLACK);
        // A label every 8 channels (or 16 when cells are narrow), so numbers never run together.
        int every = cell >= 12 ? 8 : 16;
        for (int c = 0; c < channels; c += every) {
            g.drawLine(left + c * cell, top + plotH, left + c * cell, top + plotH + 4);
            g.drawString(Integer.toString(c), left + c * cell - 3, top + plotH + 18);
        }
        g.drawString("channel", left + plotW / 2 - 20, top + plotH + 40);
        // The colour bar: stretched around 0.5, where gates that barely act sit.
        int barX = left + plotW + 30;
        for (int i = 0; i < plotH; i++) {
            g.setColor(gateColor(1 - i / (float) Math.max(1, plotH - 1)));
            g.fillRect(barX, top + i, 16, 1);
        }
        g.setColor(Color.BLACK);
        for (float t : new float[] {0f, 0.25f, 0.4f, 0.5f, 0.6f, 0.75f, 1f}) {
            int y = top + Math.round((1 - t) * (plotH - 1));
            g.drawString(String.format(java.util.Locale.ROOT, "%.2f", t), barX + 20, y + 4);
        }
        g.drawString("gate", barX - 4, top - 8);
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    /**
     * A diverging colour for a gate: blue below 0.5 (channels damped), red above (kept), white at
     * 0.5. The distance from 0.5 goes through a square root, so 0.4 and 0.6 already differ clearly.
     */
    static Color gateColor(float gate) {
        float d = Math.max(-1f, Math.min(1f, 2 * (gate - 0.5f)));
        float t = (float) Math.sqrt(Math.abs(d));
        Color end = d < 0 ? new Color(0x21, 0x4a, 0xb0) : new Color(0xc0, 0x20, 0x20);
        return new Color(Math.round(255 + (end.getRed() - 255) * t), Math.round(255 + (end.getGreen() - 255) * t),
                Math.round(255 + (end.getBlue() - 255) * t));
    }

    /**
     * Draws the SE paper's excitation figure: for a few SE layers, one panel each, the mean gate
     * per channel for several classes.
     *
     * @param perClass per SE layer, [classes][channels] mean gates
     * @param layers which SE layers to draw
     * @param classNames the class names
     * @param classes which classes to draw
     * @param file the PNG
     * @throws IOException when writing fails
     */
    public static void excitationFigure(List<double[][]> perClass, int[] layers, List<String> classNames, int[] classes,
            Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<BufferedImage> panels = new ArrayList<>();
        for (int layer : layers) {
            double[][] m = perClass.get(layer);
            XYChart chart = new XYChartBuilder().width(520).height(380)
                    .title("SE block " + layer + " (" + m[0].length + " channels)")
                    .xAxisTitle("channel index").yAxisTitle("mean activation").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
            double[] x = new double[m[0].length];
            for (int c = 0; c < x.length; c++) {
                x[c] = c;
            }
            for (int k : classes) {
                chart.addSeries(classNames.get(k), x, m[k]).setMarker(SeriesMarkers.NONE);
            }
            double[] all = new double[x.length];
            for (double[] row : m) {
                for (int c = 0; c < x.length; c++) {
                    all[c] += row[c] / m.length;
                }
            }
            chart.addSeries("all classes", x, all).setMarker(SeriesMarkers.NONE).setLineColor(Color.BLACK);
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        int w = panels.stream().mapToInt(BufferedImage::getWidth).sum();
        int h = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        int at = 0;
        for (BufferedImage p : panels) {
            g.drawImage(p, at, 0, null);
            at += p.getWidth();
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(sheet, "png", out));
    }
}
