package io.github.attentionzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.BatchLoader;
import io.github.attentionzoo.data.CifarRecords;

/** Loss and accuracy of a model in inference mode over a test set. */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Counts correct top-1 predictions.
     *
     * @param logits [N, classes]
     * @param labels [N]
     * @return how many are right
     */
    public static long correct(NDArray logits, NDArray labels) {
        try (NDArray hit = logits.argMax(1).toType(DataType.INT64, false)
                .eq(labels.toType(DataType.INT64, false))) {
            return hit.countNonzero().getLong();
        }
    }

    /**
     * Evaluates a trainer's model (BatchNorm in inference mode) on a set.
     *
     * @param trainer the trainer
     * @param test the images
     * @param batchSize images per batch
     * @return {mean loss, accuracy}
     */
    public static double[] lossAndAccuracy(Trainer trainer, CifarRecords test, int batchSize) {
        BatchLoader loader = new BatchLoader(test, trainer.getManager(), batchSize, false, false, Augmentation.NONE, 0);
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (Batch batch : loader) {
            try (batch) {
                for (Batch split : batch.split(trainer.getDevices(), false)) {
                    NDList preds = trainer.evaluate(split.getData());
                    lossSum += trainer.getLoss().evaluate(split.getLabels(), preds).getFloat() * split.getSize();
                    correct += correct(preds.head(), split.getLabels().head());
                    seen += split.getSize();
                }
            }
        }
        return new double[] {lossSum / Math.max(1, seen), correct / (double) Math.max(1, seen)};
    }
}
