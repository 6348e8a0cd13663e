package io.github.attentionzoo.train;

import io.github.attentionzoo.zoo.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Learning curves as PNG, drawn with XChart. */
public final class TrainingPlots {

    private TrainingPlots() {}

    /**
     * Plots train/test accuracy and loss per epoch.
     *
     * @param history the epochs so far
     * @param title the chart's title
     * @param file the PNG to write (atomically)
     * @throws IOException when writing fails
     */
    public static void curves(List<EpochMetrics> history, String title, Path file) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title + " on CIFAR-10")
                .xAxisTitle("epoch").yAxisTitle("accuracy / loss").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(history.size() > 30 ? 0 : 4);
        chart.addSeries("train accuracy", epochs, history.stream().mapToDouble(EpochMetrics::trainAccuracy).toArray());
        chart.addSeries("test accuracy", epochs, history.stream().mapToDouble(EpochMetrics::testAccuracy).toArray());
        chart.addSeries("train loss", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
        chart.addSeries("test loss", epochs, history.stream().mapToDouble(EpochMetrics::testLoss).toArray());
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
