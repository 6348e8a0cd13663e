package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import io.github.attentionzoo.bench.Benchmark;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** One loaded model, one Predictor per thread: the sharing rule the README documents. */
@Tag("own-jvm")
class ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int CALLS = 3_500;
    private static final int WARM_UP = 2_000;

    private static Image image(int seed) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x * 8 + seed * 40) << 16 | (y * 8) << 8 | (seed * 60 + x + y) & 0xff);
            }
        }
        return ImageFactory.getInstance().fromImage(img);
    }

    @Test
    void fourThreadsWithTheirOwnPredictorsAgreeWithOneThread(@TempDir Path dir) throws Exception {
        Path modelDir = CliSupport.importedSeResNet20(dir);
        try (Model model = ModelArtifacts.load(modelDir, null)) {
            List<Image> images = List.of(image(0), image(1), image(2), image(3));
            List<String> expected = new ArrayList<>();
            try (Predictor<Image, Classifications> p = model.newPredictor(CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                for (Image img : images) {
                    expected.add(p.predict(img).toJson());
                }
            }
            // Warm-up first (each thread's allocator arena, the heap growing), then the measured phase.
            // On an AMD EPYC with AVX-512 1,000 warm-up calls a thread left the arenas still growing
            // (154-169 MiB over the window in two runs of five); 2,000 leave them settled.
            CyclicBarrier barrier = new CyclicBarrier(THREADS + 1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    int mismatches = 0;
                    try (Predictor<Image, Classifications> p = model.newPredictor(
                            CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                        for (int i = 0; i < CALLS; i++) {
                            if (i == WARM_UP || i == CALLS - 1) {
                                barrier.await();
                                barrier.await();
                            }
                            int k = i % images.size();
                            if (!p.predict(images.get(k)).toJson().equals(expected.get(k))) {
                                mismatches++;
                            }
                        }
                    }
                    return mismatches;
                }));
            }
            // The Java heap may still be growing towards -Xmx after the tests before this one; that is
            // not a leak, so its growth is taken out of the resident-memory growth.
            Runtime runtime = Runtime.getRuntime();
            barrier.await();
            double before = Benchmark.Memory.residentMb();
            double heapBefore = runtime.totalMemory() / (1024.0 * 1024.0);
            barrier.await();
            barrier.await();
            double after = Benchmark.Memory.residentMb();
            double heapAfter = runtime.totalMemory() / (1024.0 * 1024.0);
            barrier.await();
            int mismatches = 0;
            for (Future<Integer> f : futures) {
                mismatches += f.get();
            }
            pool.shutdown();
            assertEquals(0, mismatches, "every threaded result equals the single-threaded one");
            // A leaked activation per call (>= 64 KiB) would add > 350 MiB over these 6,000 calls.
            double outsideHeap = after - before - Math.max(0, heapAfter - heapBefore);
            assertTrue(outsideHeap < 150, "resident memory outside the Java heap grew by " + outsideHeap
                    + " MiB (resident " + before + " -> " + after + ", committed heap " + heapBefore + " -> "
                    + heapAfter + " MiB)");
        }
    }

    @Test
    void eightThreadsOnOnnxRuntimeAgreeWithOneThread() throws Exception {
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        try (Model model = ModelArtifacts.loadOnnx(PretrainedStore.install("se_resnet20"), null, null)) {
            List<Image> images = List.of(image(0), image(1), image(2), image(3));
            List<String> expected = new ArrayList<>();
            try (Predictor<Image, Classifications> p = model.newPredictor(CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                for (Image img : images) {
                    expected.add(p.predict(img).toJson());
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    int mismatches = 0;
                    try (Predictor<Image, Classifications> p = model.newPredictor(
                            CifarTranslator.build(32, CifarTranslator.CLASSES, 5))) {
                        for (int i = 0; i < 200; i++) {
                            int k = i % images.size();
                            mismatches += p.predict(images.get(k)).toJson().equals(expected.get(k)) ? 0 : 1;
                        }
                    }
                    return mismatches;
                }));
            }
            int mismatches = 0;
            for (Future<Integer> f : futures) {
                mismatches += f.get();
            }
            pool.shutdown();
            assertEquals(0, mismatches, "8 threads x 200 predictions equal one thread's");
        }
    }
}
