import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.github.attentionzoo.engine.EngineSetup;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.PretrainedStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Batch-1 inference of a shipped model on PyTorch with libtorch's NNPACK switch on (libtorch's own
 * default) and off (what the zoo sets), alternating in one process, one intra-op thread:
 *
 *   java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp "examples/target/lib/*" \
 *       examples/bench/Batch1.java se_resnet20 40 2>nnpack.log
 *
 * Reports the median per-call CPU time of the calling thread (the work, whatever else the machine
 * runs) and wall time. Where NNPACK cannot start, "on" also writes its warning once per convolution
 * to stderr: the difference is what the warning costs.
 */
public final class Batch1 {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int rounds = Integer.parseInt(args[1]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Model model = ModelDirectory.open(PretrainedStore.install(name)).load(ModelDirectory.PYTORCH, null)) {
            int size = Integer.parseInt(model.getProperty("attentionzoo.input_size"));
            float[] image = new float[3 * size * size];
            Random random = new Random(1);
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) random.nextGaussian();
            }
            NoBatchifyTranslator<float[], float[]> raw = new NoBatchifyTranslator<>() {
                @Override
                public NDList processInput(TranslatorContext ctx, float[] in) {
                    return new NDList(ctx.getNDManager().create(in, new Shape(1, 3, size, size)));
                }

                @Override
                public float[] processOutput(TranslatorContext ctx, NDList out) {
                    return out.head().toFloatArray();
                }
            };
            List<Double> cpuOn = new ArrayList<>(), cpuOff = new ArrayList<>(), wallOn = new ArrayList<>(),
                    wallOff = new ArrayList<>();
            try (Predictor<float[], float[]> predictor = model.newPredictor(raw)) {
                for (int r = 0; r < rounds; r++) {
                    for (boolean on : new boolean[] {true, false}) {
                        if (!EngineSetup.setNnpackEnabled(on)) {
                            throw new IllegalStateException("libtorch's NNPACK switch is not reachable here");
                        }
                        for (int i = 0; i < 5; i++) {
                            predictor.predict(image);
                        }
                        long c0 = mx.getCurrentThreadCpuTime();
                        long w0 = System.nanoTime();
                        for (int i = 0; i < 20; i++) {
                            predictor.predict(image);
                        }
                        (on ? cpuOn : cpuOff).add((mx.getCurrentThreadCpuTime() - c0) / 20e6);
                        (on ? wallOn : wallOff).add((System.nanoTime() - w0) / 20e6);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s batch 1, %d rounds of 20 calls: NNPACK on: cpu %.3f ms, wall %.3f ms;"
                    + " NNPACK off: cpu %.3f ms, wall %.3f ms (medians)%n", name, rounds, median(cpuOn),
                    median(wallOn), median(cpuOff), median(wallOff));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
