package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.data.CifarRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

class EvaluateCommandTest {

    /** The first n test images of the embedded sample, as a CIFAR-10 binary file's bytes. */
    private static byte[] embeddedTestRecords(int n) throws Exception {
        try (InputStream in = CifarRecords.class.getResourceAsStream("/cifar10-sample/test_batch.bin")) {
            return Arrays.copyOf(in.readAllBytes(), n * CifarRecords.RECORD_BYTES);
        }
    }

    @Test
    void evaluatesADirectoryThatHoldsOnlyTheTestFile(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("test-only"));
        Files.write(data.resolve(CifarRecords.TEST_FILE), embeddedTestRecords(200));
        Path out = dir.resolve("evaluate");

        CliSupport.Result r = CliSupport.run("evaluate", "--model", "se_resnet20", "--data", data.toString(),
                "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("evaluated on 200 images (CIFAR-10 from " + data + ")"), r.out());

        List<String> csv = Files.readAllLines(out.resolve("confusion.csv"));
        assertEquals(1 + CifarRecords.NUM_CLASSES, csv.size());
        long total = 0;
        long correct = 0;
        for (int t = 0; t < CifarRecords.NUM_CLASSES; t++) {
            String[] cells = csv.get(1 + t).split(",");
            assertEquals(CifarRecords.CLASSES.get(t), cells[0]);
            for (int p = 0; p < CifarRecords.NUM_CLASSES; p++) {
                long v = Long.parseLong(cells[1 + p]);
                total += v;
                correct += p == t ? v : 0;
            }
        }
        assertEquals(200, total);
        // The printed accuracy is the matrix's diagonal; the shipped weights (89% on the full test
        // set) must be far above chance on these real images.
        assertTrue(r.out().contains(String.format(Locale.ROOT, "accuracy: %.4f%n", correct / 200.0)), r.out());
        assertTrue(correct > 150, "accuracy " + correct + "/200");
        byte[] png = Files.readAllBytes(out.resolve("confusion.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

        CliSupport.Result train = CliSupport.run("train", "--model", "simple_cnn", "--data", data.toString(),
                "--epochs", "1", "--output", dir.resolve("run").toString());
        assertTrue(train.status() != 0 && train.err().contains("data_batch_1.bin"), train.err());
    }
}
