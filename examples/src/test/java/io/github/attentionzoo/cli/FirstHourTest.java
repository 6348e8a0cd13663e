package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.zoo.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A new user's first hour, as the README runs it: fine-tune on a small folder of their own images,
 * then score a separate folder and serve the result under its own name.
 */
class FirstHourTest {

    private static final List<String> CLASSES = List.of("bird", "cat", "ship");

    /** Writes {@code perClass} real CIFAR-10 images of each of three classes as PNGs in DIR/<class>/. */
    private static void folder(String batch, Path dir, int perClass) throws Exception {
        Map<String, Integer> written = new java.util.HashMap<>();
        try (InputStream in = FirstHourTest.class.getResourceAsStream("/cifar10-sample/" + batch)) {
            byte[] r;
            int index = 0;
            while ((r = in.readNBytes(3073)).length == 3073) {
                String name = io.github.attentionzoo.zoo.CifarTranslator.CLASSES.get(r[0]);
                int n = written.getOrDefault(name, 0);
                if (CLASSES.contains(name) && n < perClass) {
                    BufferedImage b = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                    for (int p = 0; p < 1024; p++) {
                        b.setRGB(p % 32, p / 32, (r[1 + p] & 0xff) << 16 | (r[1025 + p] & 0xff) << 8 | r[2049 + p] & 0xff);
                    }
                    Files.createDirectories(dir.resolve(name));
                    ImageIO.write(b, "png", dir.resolve(name).resolve(String.format(Locale.ROOT, "%05d.png", index)).toFile());
                    written.put(name, n + 1);
                }
                index++;
            }
        }
        for (String c : CLASSES) {
            assertEquals(perClass, written.get(c), c);
        }
    }

    @Test
    void theReadmesFineTuneLearnsThirtyImagesAClassAndRecordsItsOwnOrigin(@TempDir Path dir) throws Exception {
        Path mine = dir.resolve("my-images");
        Path test = dir.resolve("test-images");
        folder("data_batch_1.bin", mine, 30);
        folder("test_batch.bin", test, 20);
        Path out = dir.resolve("runs/mine");
        // The README's line, with its paths.
        CliSupport.Result r = CliSupport.run("finetune", "--model", "se_resnet20", "--data", mine.toString(),
                "--output", out.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("warning:"), "the defaults fit a small folder: " + r.out());

        CliSupport.Result scored = CliSupport.run("evaluate", "--model-dir", out.resolve("model").toString(), "--data",
                test.toString());
        assertEquals(0, scored.status(), scored.err());
        Matcher m = Pattern.compile("accuracy: ([0-9.]+)").matcher(scored.out());
        assertTrue(m.find(), scored.out());
        double accuracy = Double.parseDouble(m.group(1));
        assertTrue(accuracy >= 0.8, "60 separate test images: " + accuracy + "\n" + scored.out());
        assertTrue(scored.out().contains("evaluated on 60 images"), scored.out());

        ModelMetadata metadata = ModelMetadata.read(out.resolve("model"));
        assertTrue(metadata.command.contains("finetune --model se_resnet20 --data " + mine), metadata.command);
        assertTrue(metadata.provenance.startsWith("fine-tuned from se_resnet20"), metadata.provenance);
        assertTrue(metadata.dataset.contains("image folder") && metadata.dataset.contains("3 classes"), metadata.dataset);
        assertEquals(3, metadata.numClasses());

        Path served = dir.resolve("serve/mine");
        CliSupport.Result export = CliSupport.run("export-serving", "--model-dir", out.resolve("model").toString(),
                "--output", served.toString());
        assertEquals(0, export.status(), export.err());
        assertTrue(export.out().contains("djl-serving -m mine=file://"), export.out());
        assertTrue(export.out().contains("3 classes"), export.out());
    }

    @Test
    void aRunTooShortToLearnSaysSo(@TempDir Path dir) throws Exception {
        Path mine = dir.resolve("my-images");
        folder("data_batch_1.bin", mine, 10);
        CliSupport.Result r = CliSupport.run("finetune", "--model", "se_resnet20", "--data", mine.toString(),
                "--epochs", "2", "--batch-size", "16", "--output", dir.resolve("out").toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("warning:") && r.out().contains("too few to learn much"), r.out());
    }
}
