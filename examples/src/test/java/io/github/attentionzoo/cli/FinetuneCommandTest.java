package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class FinetuneCommandTest {

    @TempDir static Path shared;
    static Path pretrained;
    static Path folder;

    /** A model trained for one epoch on the embedded sample stands in for a pretrained one. */
    @BeforeAll
    static void prepare() throws Exception {
        Path run = shared.resolve("pre");
        CliSupport.Result r = CliSupport.run("train", "--model", "simple_cnn", "--data", "embedded", "--epochs", "1",
                "--limit", "256", "--batch-size", "64", "--output", run.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        pretrained = run.resolve("model");
        folder = shared.resolve("shapes");
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
        String[] names = {"circles", "squares", "stripes"};
        for (int c = 0; c < 3; c++) {
            Files.createDirectories(folder.resolve(names[c]));
            for (int i = 0; i < 10; i++) {
                BufferedImage img = new BufferedImage(40 + i, 36, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(colors[c]);
                g.fillRect(i, i, 20, 20);
                g.dispose();
                ImageIO.write(img, "png", folder.resolve(names[c]).resolve(i + ".png").toFile());
            }
        }
    }

    private static Map<String, float[]> parameters(Path modelDir) throws Exception {
        Map<String, float[]> values = new HashMap<>();
        try (Model model = ModelArtifacts.load(modelDir, null)) {
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                values.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        return values;
    }

    @Test
    void newClassesGetANewHeadAndAFrozenBackboneStaysPut(@TempDir Path dir) throws Exception {
        CliSupport.Result r = CliSupport.run("finetune", "--model-dir", pretrained.toString(), "--data", folder.toString(),
                "--freeze-backbone", "--epochs", "2", "--batch-size", "8", "--output", dir.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("accuracy: "), r.out());
        // Each epoch says how long the run has taken, how long it will take, and the best so far.
        assertTrue(r.out().lines().anyMatch(l -> l.matches("epoch 2/2: .*\\(best [01]\\.\\d{4}, epoch [12]\\).*"
                + " \\| \\d+:\\d{2}:\\d{2} elapsed, about 0:00:00 left")), r.out());
        Path tuned = dir.resolve("model");
        ModelMetadata metadata = ModelMetadata.read(tuned);
        assertEquals(3, metadata.numClasses());
        assertEquals(List.of("circles", "squares", "stripes"), Files.readAllLines(tuned.resolve("synset.txt")));
        Map<String, float[]> before = parameters(pretrained);
        Map<String, float[]> after = parameters(tuned);
        assertEquals(3 * 64 * 16 * 16, after.get("06Linear_weight").length);
        assertArrayEquals(before.get("01Conv2d_weight"), after.get("01Conv2d_weight"), 0f, "frozen backbone");
        assertArrayEquals(before.get("04SqueezeExcitation_01fc1_weight"), after.get("04SqueezeExcitation_01fc1_weight"), 0f);

        // The same command again draws the same new head and trains it the same way.
        Path again = dir.resolveSibling(dir.getFileName() + "-again");
        r = CliSupport.run("finetune", "--model-dir", pretrained.toString(), "--data", folder.toString(),
                "--freeze-backbone", "--epochs", "2", "--batch-size", "8", "--output", again.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(after.get("06Linear_weight"), parameters(again.resolve("model")).get("06Linear_weight"), 0f);
    }

    @Test
    void sameClassesContinueTrainingEveryLayer(@TempDir Path dir) throws Exception {
        CliSupport.Result r = CliSupport.run("finetune", "--model-dir", pretrained.toString(), "--data", "embedded",
                "--epochs", "1", "--batch-size", "64", "--output", dir.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        Map<String, float[]> before = parameters(pretrained);
        Map<String, float[]> after = parameters(dir.resolve("model"));
        assertEquals(before.get("06Linear_weight").length, after.get("06Linear_weight").length);
        assertFalse(java.util.Arrays.equals(before.get("01Conv2d_weight"), after.get("01Conv2d_weight")));
        assertFalse(java.util.Arrays.equals(before.get("06Linear_weight"), after.get("06Linear_weight")));
    }
    private static void pngs(Path dir, int count, Color color) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(color);
            g.fillRect(i, i, 16, 16);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
        }
    }

    @Test
    void classFolderNamesThatCannotBeReadBackAreRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("names");
        pngs(data.resolve("dog"), 3, Color.RED);
        pngs(data.resolve("dog\t"), 3, Color.GREEN);
        pngs(data.resolve("two\nlines"), 3, Color.BLUE);
        pngs(data.resolve(" bird"), 3, Color.BLACK);
        Path out = dir.resolve("run");
        CliSupport.Result r = CliSupport.run("finetune", "--model-dir", pretrained.toString(), "--data", data.toString(),
                "--epochs", "1", "--batch-size", "4", "--output", out.toString(), "--no-progress");
        assertEquals(1, r.status(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        for (String named : new String[] {data.toString(), "'dog\\t'", "'two\\nlines'", "' bird'"}) {
            assertTrue(err.contains(named), named + " in: " + err);
        }
        assertFalse(err.contains("'dog',") || err.contains("'dog' "), err);
        assertFalse(Files.exists(out), "nothing is written");
        assertEquals(1, CliSupport.run("evaluate", "--model-dir", pretrained.toString(), "--data",
                data.toString()).status());
    }

    @Test
    void imagesInFoldersInsideAClassFolderBelongToThatClass(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("nested");
        pngs(data.resolve("reds").resolve("2025").resolve("june"), 4, Color.RED);
        pngs(data.resolve("reds"), 2, Color.RED);
        pngs(data.resolve("greens").resolve("batch-1"), 5, Color.GREEN);
        CliSupport.Result r = CliSupport.run("finetune", "--model-dir", pretrained.toString(), "--data", data.toString(),
                "--epochs", "1", "--batch-size", "4", "--output", dir.resolve("run").toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        Path tuned = dir.resolve("run").resolve("model");
        assertEquals(List.of("greens", "reds"), Files.readAllLines(tuned.resolve("synset.txt")));
        r = CliSupport.run("evaluate", "--model-dir", tuned.toString(), "--data", data.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("evaluated on 11 images"), r.out());
    }
}
