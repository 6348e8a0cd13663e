package io.github.attentionzoo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A user's program, in a JVM of its own, loads a shipped model through {@code Criteria} as the
 * README shows: on PyTorch NNPACK reads as off afterwards (it reads as on before, so the read
 * itself is checked) and no NNPACK line reaches the console; on ONNX Runtime nothing is left in
 * the temporary directory. Both hold on any CPU, whether or not NNPACK can start there.
 */
class EngineSetupTest {

    /** The user's program: the engine to load on, then prints what the test checks. */
    public static final class UserProgram {
        public static void main(String[] args) throws Exception {
            String engine = args[0];
            if (engine.equals("PyTorch")) {
                Engine.getEngine("PyTorch");
                System.out.println("nnpack before: " + EngineSetup.nnpackEnabled().map(String::valueOf).orElse("unknown"));
            }
            Criteria<Image, Classifications> criteria = Criteria.builder()
                    .setTypes(Image.class, Classifications.class)
                    .optModelUrls("djl://io.github.attentionzoo/se_resnet20").optEngine(engine).build();
            BufferedImage cat = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            try (ZooModel<Image, Classifications> model = criteria.loadModel();
                    Predictor<Image, Classifications> predictor = model.newPredictor()) {
                for (int i = 0; i < 3; i++) {
                    predictor.predict(ImageFactory.getInstance().fromImage(cat));
                }
            }
            if (engine.equals("PyTorch")) {
                System.out.println("nnpack after: " + EngineSetup.nnpackEnabled().map(String::valueOf).orElse("unknown"));
            }
            System.out.println("done");
        }
    }

    private static List<String> run(String engine, Path tmp, Path out, Path err) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                "-cp", System.getProperty("java.class.path"), UserProgram.class.getName(), engine));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the program finishes");
        assertEquals(0, p.exitValue(), () -> read(err));
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void pytorchRunsWithNnpackOffAndSaysNothingOfIt(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path err = dir.resolve("err.txt");
        List<String> out = run("PyTorch", tmp, dir.resolve("out.txt"), err);
        assertTrue(out.contains("nnpack before: true"), () -> "libtorch's switch reads as on by default: " + out);
        assertTrue(out.contains("nnpack after: false"), () -> "loading a zoo model switches NNPACK off: " + out);
        assertTrue(out.contains("done"));
        assertFalse(read(err).contains("NNPACK"), () -> read(err));
    }

    @Test
    void onnxRuntimeLeavesNothingInTheTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> out = run("OnnxRuntime", tmp, dir.resolve("out.txt"), dir.resolve("err.txt"));
        assertTrue(out.contains("done"), () -> out.toString());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the temporary directory after a run on ONNX Runtime");
        }
    }
}
