package io.github.attentionzoo.explain;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.BatchLoader;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.zoo.CifarTranslator;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model with an {@link AttentionRecorder} attached: one image at a time for {@code
 * explain IMAGE}, or a whole test set for the mean SE gate per class and block.
 */
public final class Explainer {

    /**
     * One image's explanation.
     *
     * @param probabilities softmax over the classes
     * @param records the recorded gates and branch weights, batch axis of size 1
     */
    public record Explanation(float[] probabilities, List<AttentionRecorder.Record> records) {}

    private final Model model;
    private final int inputSize;

    /**
     * Creates an explainer.
     *
     * @param model the model
     * @param inputSize the model's input side
     */
    public Explainer(Model model, int inputSize) {
        this.model = model;
        this.inputSize = inputSize;
    }

    /**
     * Runs one image with recording on.
     *
     * @param image the image
     * @return the class probabilities and the recorded attention
     */
    @SuppressWarnings("try") // the recorder scope is held for its side effect, not read
    public Explanation explain(Image image) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(CifarTranslator.pixels(image, inputSize), new Shape(3, inputSize, inputSize));
            AttentionRecorder recorder = new AttentionRecorder();
            NDArray logits;
            try (AttentionRecorder.Scope scope = recorder.activate()) {
                logits = model.getBlock().forward(new ParameterStore(manager, false),
                        new NDList(x.expandDims(0)), false).head();
            }
            return new Explanation(logits.softmax(1).toFloatArray(), recorder.getRecords());
        }
    }

    /**
     * Averages each SE layer's gates per true class over a data set.
     *
     * @param data the images
     * @param batchSize images per forward pass
     * @return per SE layer, a [classes][channels] matrix of mean gates
     */
    @SuppressWarnings("try") // the recorder scope is held for its side effect, not read
    public List<double[][]> meanGatesPerClass(CifarRecords data, int batchSize) {
        int classes = CifarRecords.NUM_CLASSES;
        List<double[][]> sums = new ArrayList<>();
        long[] counts = new long[classes];
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        BatchLoader loader = new BatchLoader(data, model.getNDManager(), batchSize, false, false, Augmentation.NONE, 0);
        for (var batch : loader) {
            try (batch) {
                AttentionRecorder recorder = new AttentionRecorder();
                try (AttentionRecorder.Scope scope = recorder.activate()) {
                    model.getBlock().forward(ps, batch.getData(), false);
                }
                float[] labels = batch.getLabels().head().toFloatArray();
                int se = 0;
                for (AttentionRecorder.Record r : recorder.getRecords()) {
                    if (!BlockKinds.SQUEEZE_EXCITATION.wrote(r)) {
                        continue;
                    }
                    int c = (int) r.getShape()[1];
                    if (sums.size() <= se) {
                        sums.add(new double[classes][c]);
                    }
                    double[][] s = sums.get(se);
                    float[] v = r.getValues();
                    for (int i = 0; i < labels.length; i++) {
                        for (int ch = 0; ch < c; ch++) {
                            s[(int) labels[i]][ch] += v[i * c + ch];
                        }
                    }
                    se++;
                }
                for (float l : labels) {
                    counts[(int) l]++;
                }
            }
        }
        for (double[][] s : sums) {
            for (int k = 0; k < classes; k++) {
                for (int ch = 0; ch < s[k].length; ch++) {
                    s[k][ch] /= Math.max(1, counts[k]);
                }
            }
        }
        return sums;
    }
}
