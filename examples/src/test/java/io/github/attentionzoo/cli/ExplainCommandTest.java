package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class ExplainCommandTest {

    @Test
    void writesJsonCsvAndPlotsPerImageAndPerClass(@TempDir Path dir) throws Exception {
        Path model = CliSupport.importedSeResNet20(dir);
        CliSupport.Result r;
        Path image = dir.resolve("photo.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB), "png", image.toFile());
        Path out = dir.resolve("explain");
        r = CliSupport.run("explain", "--model-dir", model.toString(), image.toString(), "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("photo.json"))).getAsJsonObject();
        assertEquals(5, json.getAsJsonArray("top5").size());
        assertEquals(9, json.getAsJsonArray("se_gates").size());
        assertTrue(Files.size(out.resolve("photo.png")) > 1000);
        assertEquals(1 + 3 * (16 + 32 + 64), Files.readAllLines(out.resolve("photo.csv")).size());

        r = CliSupport.run("explain", "--model-dir", model.toString(), "--data", "embedded", "--per-class",
                "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(out.resolve("excitation.png")) > 1000);
        assertEquals(1 + 10 * 3 * (16 + 32 + 64), Files.readAllLines(out.resolve("per_class_gates.csv")).size());
        List<String> summary = Files.readAllLines(out.resolve("summary.txt"));
        assertEquals(1 + 9, summary.size(), String.join("\n", summary));
        assertTrue(summary.get(9).startsWith("SE block 8: spread of class means "), summary.get(9));
        assertTrue(r.out().contains(summary.get(9)), r.out());
    }

    @Test
    void explainWithoutImagesOrDataIsAClearError() {
        CliSupport.Result r = CliSupport.run("explain", "--model", "se_resnet20");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("give IMAGE files, or --per-class with --data")
                || r.err().contains("no pretrained weights"), r.err());
    }

    @Test
    void aBlockWhoseGatesNeverMoveIsReportedSwitchedOff() {
        double[][] dead = {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}};
        double[][] alive = {{0.2, 0.9, 0.5}, {0.3, 0.7, 0.5}};
        String off = io.github.attentionzoo.explain.GateDiagnostics.blockSummary(5, dead);
        assertTrue(off.startsWith("SE block 5: spread of class means 0.0000") && off.contains("switched off"), off);
        String on = io.github.attentionzoo.explain.GateDiagnostics.blockSummary(2, alive);
        assertTrue(on.contains("mean gates 0.200-0.900") && !on.contains("switched off"), on);
    }
}
