package io.github.attentionzoo.train;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import io.github.attentionzoo.app.RawTranslators;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.BatchLoader;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.zoo.FlipAveraging;

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
     * Runs a model in inference mode over a set and counts predictions per true class. It goes
     * through a {@link Predictor}, as a user's code would, so it runs on any engine (PyTorch or
     * ONNX Runtime), and takes the arg-max in Java.
     *
     * @param model the model
     * @param test the images
     * @param batchSize images per batch
     * @param classes the model's class count
     * @return matrix[true][predicted]
     */
    public static long[][] confusion(Model model, CifarRecords test, int batchSize, int classes) {
        return confusion(model, test, batchSize, classes, false);
    }

    /**
     * Counts predictions per true class as {@link #confusion(Model, CifarRecords, int, int)} does,
     * optionally with flip test-time augmentation ({@link FlipAveraging}).
     *
     * @param model the model
     * @param test the images
     * @param batchSize images per batch
     * @param classes the model's class count
     * @param flip whether each image's logits are averaged with its mirror image's
     * @return matrix[true][predicted]
     */
    public static long[][] confusion(Model model, CifarRecords test, int batchSize, int classes, boolean flip) {
        long[][] matrix = new long[classes][classes];
        BatchLoader loader = new BatchLoader(test, model.getNDManager(), batchSize, false, false, Augmentation.NONE, 0);
        try (Predictor<NDList, float[]> predictor = model.newPredictor(RawTranslators.logits())) {
            for (Batch batch : loader) {
                try (batch) {
                    int n = batch.getSize();
                    float[] logits = flip ? mirrored(predictor, batch.getData().head(), n, classes)
                            : predictor.predict(batch.getData());
                    if (logits.length != (long) n * classes) {
                        throw new IllegalArgumentException(outputsMismatch(logits.length / n, classes));
                    }
                    float[] truth = batch.getLabels().head().toFloatArray();
                    for (int i = 0; i < n; i++) {
                        int best = 0;
                        for (int c = 1; c < classes; c++) {
                            if (logits[i * classes + c] > logits[i * classes + best]) {
                                best = c;
                            }
                        }
                        matrix[(int) truth[i]][best]++;
                    }
                }
            }
        } catch (TranslateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return matrix;
    }


    private static String outputsMismatch(int outputs, int classes) {
        return "the model gives " + outputs + " outputs an image; this evaluation needs " + classes;
    }

    /** The logits of a batch averaged with its mirror images', built in Java so that any engine runs it. */
    private static float[] mirrored(Predictor<NDList, float[]> predictor, NDArray images, int n, int classes)
            throws TranslateException {
        float[] both = FlipAveraging.withMirrors(images.toFloatArray(), n, (int) images.getShape().get(3));
        Shape shape = images.getShape();
        try (NDManager scratch = images.getManager().newSubManager()) {
            NDArray input = scratch.create(both, new Shape(2L * n, shape.get(1), shape.get(2), shape.get(3)));
            float[] logits = predictor.predict(new NDList(input));
            if (logits.length != 2L * n * classes) {
                throw new IllegalArgumentException(outputsMismatch(logits.length / (2 * n), classes));
            }
            return FlipAveraging.average(logits, n, classes);
        }
    }

    /**
     * Returns the accuracy of a confusion matrix.
     *
     * @param matrix matrix[true][predicted]
     * @return the fraction on the diagonal
     */
    public static double accuracy(long[][] matrix) {
        long right = 0;
        long all = 0;
        for (int t = 0; t < matrix.length; t++) {
            for (int p = 0; p < matrix[t].length; p++) {
                all += matrix[t][p];
                right += t == p ? matrix[t][p] : 0;
            }
        }
        return all == 0 ? 0 : right / (double) all;
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
        return lossAndAccuracy(trainer, test, batchSize, false);
    }

    /**
     * Evaluates a trainer's model on a set, optionally with flip test-time augmentation: the logits
     * of each image and of its mirror image averaged.
     *
     * @param trainer the trainer
     * @param test the images
     * @param batchSize images per batch
     * @param flip whether to average with the mirror images
     * @return {mean loss, accuracy}
     */
    public static double[] lossAndAccuracy(Trainer trainer, CifarRecords test, int batchSize, boolean flip) {
        BatchLoader loader = new BatchLoader(test, trainer.getManager(), batchSize, false, false, Augmentation.NONE, 0);
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (Batch batch : loader) {
            try (batch) {
                for (Batch split : batch.split(trainer.getDevices(), false)) {
                    NDList preds = trainer.evaluate(split.getData());
                    if (flip) {
                        NDArray mirrored = trainer.evaluate(new NDList(split.getData().head().flip(3))).head();
                        preds = new NDList(preds.head().add(mirrored).divi(2));
                    }
                    lossSum += trainer.getLoss().evaluate(split.getLabels(), preds).getFloat() * split.getSize();
                    correct += correct(preds.head(), split.getLabels().head());
                    seen += split.getSize();
                }
            }
        }
        return new double[] {lossSum / Math.max(1, seen), correct / (double) Math.max(1, seen)};
    }
}
