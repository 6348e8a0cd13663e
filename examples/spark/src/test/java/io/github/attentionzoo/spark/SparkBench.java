package io.github.attentionzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.ZooModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The benchmark's single-JVM side (examples/spark/bench.sh): the image files that Spark classifies,
 * read, decoded and classified with {@code batchPredict} in one JVM with no Spark, the way a task
 * does it (the same decoder, translator and model loading), by {@code predictors} threads that
 * each take every {@code predictors}-th batch.
 *
 * <p>{@code java ... SparkBench DIR BATCH PREDICTORS ROUNDS}: prints images/s per round, and the median.
 */
public final class SparkBench {

    private SparkBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args DIR BATCH PREDICTORS ROUNDS
     * @throws Exception when a file cannot be read or the model loaded
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int predictors = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        long loading = System.nanoTime();
        ZooModel<Image, Classifications> model = ExecutorModels.get(
                new ModelSource(SparkTestSupport.MODEL, null, ImageClassifier.DEFAULT_ENGINE), null);
        System.out.printf(Locale.ROOT, "engine and model loaded in %.1f s%n", (System.nanoTime() - loading) / 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(predictors, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            long start = System.nanoTime();
            List<Future<Integer>> parts = new ArrayList<>();
            for (int t = 0; t < predictors; t++) {
                int first = t;
                parts.add(pool.submit(() -> classify(model, files, batch, first, predictors)));
            }
            int done = 0;
            for (Future<Integer> part : parts) {
                done += part.get();
            }
            double rate = done / ((System.nanoTime() - start) / 1e9);
            // Round 0 warms the engine up and is not counted.
            if (round > 0) {
                rates.add(rate);
            }
            System.out.printf(Locale.ROOT, "%s round %d: %d images, %.0f images/s%n", round == 0 ? "warm-up" : "timed",
                    round, done, rate);
        }
        pool.shutdown();
        List<Double> sorted = rates.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "single JVM, batch %d, %d predictor(s): median %.0f images/s%n", batch,
                predictors, sorted.get(sorted.size() / 2));
    }

    private static int classify(ZooModel<Image, Classifications> model, List<Path> files, int batch, int first,
            int stride) throws Exception {
        int done = 0;
        try (Predictor<Image, Classifications> predictor = model.newPredictor()) {
            for (int b = first * batch; b < files.size(); b += stride * batch) {
                List<Image> images = new ArrayList<>(batch);
                for (Path file : files.subList(b, Math.min(files.size(), b + batch))) {
                    try {
                        images.add(ImageBytes.decode(Files.readAllBytes(file), 128));
                    } catch (java.io.IOException e) {
                        // A file that is no image costs its read and a failed decode, as in a task.
                        done++;
                    }
                }
                if (!images.isEmpty()) {
                    done += predictor.batchPredict(images).size();
                }
            }
        }
        return done;
    }
}
