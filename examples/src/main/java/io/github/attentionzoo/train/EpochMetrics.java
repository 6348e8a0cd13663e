package io.github.attentionzoo.train;

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
}
