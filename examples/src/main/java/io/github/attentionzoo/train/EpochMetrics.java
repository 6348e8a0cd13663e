package io.github.attentionzoo.train;

import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One epoch's figures, as a row of {@code metrics.csv}.
 *
 * @param epoch the 1-based epoch
 * @param trainLoss mean training loss
 * @param trainAccuracy training accuracy (on augmented images)
 * @param testLoss mean test loss
 * @param testAccuracy test accuracy
 * @param lr the learning rate at the epoch's end
 * @param imagesPerSecond training throughput
 * @param epochSeconds the epoch's wall time, evaluation included
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        double lr,
        double imagesPerSecond,
        double epochSeconds) {

    /** The CSV header. */
    public static final String HEADER =
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,images_per_second,epoch_seconds";

    /**
     * Formats the row.
     *
     * @return the CSV row
     */
    public String toCsv() {
        return String.format(Locale.ROOT, "%d,%.5f,%.5f,%.5f,%.5f,%.6g,%.1f,%.1f",
                epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, lr, imagesPerSecond, epochSeconds);
    }

    /**
     * Reads a {@code metrics.csv} written by {@code train} (or in its format, as {@code
     * training/gpu/train_torch.py} writes it); {@code NaN} marks a figure a run did not record.
     *
     * @param file the CSV
     * @return its rows, in file order
     * @throws IOException naming the file and line when the header or a row is not in this format
     */
    public static List<EpochMetrics> read(Path file) throws IOException {
        List<String> lines = TextFiles.readLines(file);
        if (lines.isEmpty() || !lines.get(0).trim().equals(HEADER)) {
            throw new IOException(file + ": expected the header '" + HEADER + "'");
        }
        List<EpochMetrics> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            try {
                if (f.length != 8) {
                    throw new NumberFormatException(f.length + " fields, expected 8");
                }
                rows.add(new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]), Double.parseDouble(f[7])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }
}
