package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.zoo.LoadCounts;
import io.github.attentionzoo.zoo.PretrainedStore;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Each command reads a model directory's {@code attentionzoo.json} once and builds its network
 * once: counted by the zoo itself, around whole commands.
 */
class ModelDirectoryLoadsTest {

    @TempDir static Path shared;
    static Path image;
    static Path folder;

    @BeforeAll
    static void prepare() throws Exception {
        folder = shared.resolve("shapes");
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
        String[] names = {"circles", "squares", "stripes"};
        for (int c = 0; c < 3; c++) {
            Files.createDirectories(folder.resolve(names[c]));
            for (int i = 0; i < 8; i++) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(colors[c]);
                g.fillRect(i, i, 16, 16);
                g.dispose();
                ImageIO.write(img, "png", folder.resolve(names[c]).resolve(i + ".png").toFile());
            }
        }
        image = folder.resolve("circles").resolve("0.png");
        // Installed once beforehand, as on every start but a machine's first.
        PretrainedStore.install("se_resnet20");
    }

    private static LoadCounts run(String... args) {
        LoadCounts counts = LoadCounts.start();
        CliSupport.Result r = CliSupport.run(args);
        assertEquals(0, r.status(), r.err());
        return counts;
    }

    @Test
    void predictOnOnnxRuntimeParsesOnceAndBuildsNothing() {
        // Was four parses (the jar's copy, PredictCommand, ModelSource, the ONNX load) and two looks for the .onnx.
        LoadCounts counts = run("predict", "--model", "se_resnet20", "--engine", "OnnxRuntime", image.toString());
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(0, counts.builds(), "the .onnx is the network");
    }

    @Test
    void predictOnPyTorchParsesOnceAndBuildsOnce() {
        LoadCounts counts = run("predict", "--model", "se_resnet20", image.toString());
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "network builds");
    }

    @Test
    void predictOnOnnxRuntimeFromADirectoryWithoutOnnxExportsItOnce(@TempDir Path dir) {
        Path model = CliSupport.importedSeResNet20(dir);
        LoadCounts counts = run("predict", "--model-dir", model.toString(), "--engine", "OnnxRuntime", image.toString());
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "the network built once, for the temporary export");
    }

    @Test
    void finetuneToNewClassesParsesOnceAndBuildsOnce(@TempDir Path dir) throws Exception {
        Path model = CliSupport.importedSeResNet20(dir);
        // Was three builds (the load, a second network for its shapes, the new one) and a copy through float[].
        LoadCounts counts = run("finetune", "--model-dir", model.toString(), "--data", folder.toString(),
                "--epochs", "1", "--batch-size", "8", "--output", dir.resolve("tuned").toString(), "--no-progress");
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "network builds");
        assertTrue(Files.readString(dir.resolve("tuned/model/attentionzoo.json")).contains("\"num_classes\": \"3\""));
    }
}
