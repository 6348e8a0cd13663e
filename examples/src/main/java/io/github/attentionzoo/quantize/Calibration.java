package io.github.attentionzoo.quantize;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.data.Augmentation;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.interop.OnnxExport;
import io.github.attentionzoo.interop.OnnxInt8Export;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures the activation ranges an int8 model is quantized with, by running the float model on
 * ONNX Runtime over training images chosen with a fixed seed (never the test set, whose accuracy
 * the int8 model is judged by) and recording every quantized tensor's values.
 */
public final class Calibration {

    /** The calibration batch size: every intermediate tensor of a batch is copied out at once. */
    private static final int BATCH = 32;

    private Calibration() {}

    /**
     * Runs calibration.
     *
     * @param block the float network, loaded
     * @param inputSize the side of the square input
     * @param train the training images
     * @param images how many to run (at most all of them)
     * @param seed the seed that chooses them
     * @param percentile 100 for min/max, else the percentile of each tail kept
     * @param source where the images came from, for the ranges file
     * @return the ranges
     * @throws IOException when ONNX Runtime cannot run the model
     */
    public static ActivationRanges run(Block block, int inputSize, CifarRecords train, int images, long seed,
            double percentile, String source) throws IOException {
        if (inputSize != CifarRecords.SIDE) {
            throw new IllegalArgumentException("calibration reads CIFAR-10 images of " + CifarRecords.SIDE + "x"
                    + CifarRecords.SIDE + "; this model takes " + inputSize + "x" + inputSize);
        }
        if (images < 1 || images > train.size()) {
            throw new IllegalArgumentException("--calibration-images " + images + ": use 1 to " + train.size());
        }
        OnnxInt8Export.CalibrationModel calibration = OnnxInt8Export.calibrationModel(block,
                new Shape(3, inputSize, inputSize));
        int[] chosen = choose(train.size(), images, seed);
        ActivationRanges.Collector collector = new ActivationRanges.Collector(percentile);
        Path tmp = Files.createTempDirectory("attentionzoo-calibration");
        try {
            Files.write(tmp.resolve("calibration.onnx"), calibration.model());
            System.setProperty("ai.djl.onnx.disable_alternative", "true");
            try (Model model = Model.newInstance("calibration", ModelDirectory.ONNX_RUNTIME)) {
                model.load(tmp, "calibration", ModelDirectory.onnxOptions(Map.of()));
                passes(model, train, chosen, calibration.tensors(), collector);
            } catch (ai.djl.MalformedModelException e) {
                throw new IOException("ONNX Runtime refused the calibration model: " + e.getMessage(), e);
            }
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        return collector.result(images, seed, source);
    }

    private static void passes(Model model, CifarRecords train, int[] chosen, List<String> tensors,
            ActivationRanges.Collector collector) {
        int passes = collector.needsSecondPass() ? 2 : 1;
        Random noAugmentation = new Random(0);
        for (int pass = 0; pass < passes; pass++) {
            if (pass == 1) {
                collector.beginSecondPass();
            }
            for (int from = 0; from < chosen.length; from += BATCH) {
                int size = Math.min(BATCH, chosen.length - from);
                float[] data = new float[size * CifarRecords.IMAGE_BYTES];
                for (int i = 0; i < size; i++) {
                    Augmentation.NONE.apply(train.pixels(), chosen[from + i] * CifarRecords.IMAGE_BYTES, data,
                            i * CifarRecords.IMAGE_BYTES, noAugmentation);
                }
                collector.observe(OnnxExport.INPUT, data);
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    NDArray input = manager.create(data, new Shape(size, 3, CifarRecords.SIDE, CifarRecords.SIDE));
                    NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
                    for (NDArray a : out) {
                        if (tensors.contains(a.getName())) {
                            collector.observe(a.getName(), a.toFloatArray());
                        }
                    }
                }
            }
        }
    }

    /** The first {@code n} of a seeded shuffle of {@code 0..total-1}. */
    private static int[] choose(int total, int n, long seed) {
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = total - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, n);
    }
}
