package io.github.attentionzoo.explain;

import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.AttentionRecorder;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
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
        List<AttentionRecorder.Record> gates = records.stream().filter(r -> r.getKind().equals("se")).toList();
        if (gates.isEmpty()) {
            return;
        }
        int width = gates.stream().mapToInt(r -> (int) r.getShape()[1]).max().orElse(1);
        List<Integer> xs = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            xs.add(c);
        }
        List<String> ys = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int b = 0; b < gates.size(); b++) {
            ys.add("SE " + b);
            float[] v = gates.get(b).getValues();
            for (int c = 0; c < v.length; c++) {
                cells.add(new Number[] {c, b, v[c]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(1000).height(120 + 28 * gates.size())
                .title(title).xAxisTitle("channel").yAxisTitle("SE block").build();
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setRangeColors(new Color[] {new Color(0x30, 0x30, 0x90), new Color(0xf0, 0xe0, 0x40)});
        chart.addSeries("gate", xs, ys, cells);
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
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
