package io.github.attentionzoo.train;

import io.github.attentionzoo.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

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
        addSeries(chart, "train accuracy", epochs, history, EpochMetrics::trainAccuracy);
        addSeries(chart, "test accuracy", epochs, history, EpochMetrics::testAccuracy);
        addSeries(chart, "train loss", epochs, history, EpochMetrics::trainLoss);
        addSeries(chart, "test loss", epochs, history, EpochMetrics::testLoss);
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Adds a series unless the run never recorded that figure (all NaN), which XChart cannot scale. */
    private static void addSeries(XYChart chart, String name, double[] epochs, List<EpochMetrics> history,
            ToDoubleFunction<EpochMetrics> figure) {
        double[] values = history.stream().mapToDouble(figure).toArray();
        if (Arrays.stream(values).anyMatch(v -> !Double.isNaN(v))) {
            chart.addSeries(name, epochs, values);
        }
    }
}
