package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Nothing a user has is lost: every command writes only what it owns. Each case records the
 * checksum of every file under the user's directory before the command and compares after.
 */
class UserFilesTest {

    @TempDir static Path shared;
    static Path model;

    @BeforeAll
    static void importModel() {
        model = CliSupport.importedSeResNet20(shared);
    }

    /** Path (relative to root) to SHA-256 of every regular file under root. */
    static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    sums.put(root.relativize(f).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                }
            }
        }
        return sums;
    }

    /** Runs a command that must be refused with one line containing {@code expected}, and change nothing under root. */
    private static void refusedAndUntouched(Path root, String expected, String... args) throws Exception {
        Map<String, String> before = checksums(root);
        CliSupport.Result r = CliSupport.run(args);
        assertNotEquals(0, r.status(), String.join(" ", args) + " should be refused\n" + r.out());
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(before, checksums(root), "files changed by " + String.join(" ", args));
    }

    @Test
    void exportServingAndImportKeepADirectoryTheyDidNotWrite(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("d");
        Files.createDirectories(d.resolve("sub"));
        Files.writeString(d.resolve("notes.txt"), "mine");
        refusedAndUntouched(dir, "holds files that are not a model directory's (notes.txt, sub/)",
                "export-serving", "--model-dir", model.toString(), "--output", d.toString());
        refusedAndUntouched(dir, "--force", "import-torch", "--model", "se_resnet20", "--state-dict",
                TorchParityTest.FIXTURES.resolve("se_resnet20.npz").toString(), "--output", d.toString());
        assertTrue(Files.isDirectory(d.resolve("sub")));

        Path file = dir.resolve("file");
        Files.writeString(file, "a regular file");
        refusedAndUntouched(dir, "exists and is a regular file, not a directory", "export-serving", "--model-dir", model.toString(),
                "--output", file.toString());

        // Its own previous output is replaced; --force replaces the rest.
        Path out = dir.resolve("served");
        assertEquals(0, CliSupport.run("export-serving", "--model-dir", model.toString(), "--output", out.toString()).status());
        CliSupport.Result again = CliSupport.run("export-serving", "--model-dir", model.toString(), "--output", out.toString());
        assertEquals(0, again.status(), again.err());
        CliSupport.Result forced = CliSupport.run("export-serving", "--model-dir", model.toString(), "--output",
                d.toString(), "--force");
        assertEquals(0, forced.status(), forced.err());
        assertFalse(Files.exists(d.resolve("notes.txt")));
    }

    @Test
    void anOutputThatIsOrHoldsAnInputIsRefused(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("runs/A");
        CliSupport.run("export-serving", "--model-dir", model.toString(), "--output", run.resolve("model").toString());
        Files.createDirectories(run.resolve("checkpoints/epoch-0001"));
        Files.writeString(run.resolve("metrics.csv"), "epoch\n");
        refusedAndUntouched(dir, "holds the input", "export-serving", "--model-dir", run.resolve("model").toString(),
                "--output", run.toString(), "--force");
        refusedAndUntouched(dir, "is also an input", "export-serving", "--model-dir", run.resolve("model").toString(),
                "--output", run.resolve("model").toString());
        Path params = run.resolve("model/se_resnet20-0000.params");
        refusedAndUntouched(dir, "lies inside the input", "export-torch", "--model-dir", run.resolve("model").toString(),
                "--output", params.toString());
        Path input = TorchParityTest.FIXTURES.resolve("se_resnet20.input.npy");
        Path copy = dir.resolve("x.npy");
        Files.copy(input, copy);
        refusedAndUntouched(dir, "is also an input", "infer", "--model-dir", run.resolve("model").toString(),
                "--input", copy.toString(), "--output", copy.toString());
        refusedAndUntouched(dir, "holds the input", "finetune", "--model-dir", run.resolve("model").toString(),
                "--data", "embedded", "--epochs", "1", "--output", run.toString());
    }

    @Test
    void aRefusedRunCreatesNothing(@TempDir Path dir) throws Exception {
        Path notACheckpoint = dir.resolve("elsewhere");
        Files.createDirectories(notACheckpoint);
        Path fresh = dir.resolve("new-runs").resolve("r1");
        CliSupport.Result r = CliSupport.run("train", "--model", "simple_cnn", "--data", "embedded", "--epochs", "1",
                "--resume-from", notACheckpoint.toString(), "--output", fresh.toString(), "--no-progress");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("--resume-from " + notACheckpoint + ": not a checkpoint directory"), r.err());
        assertFalse(Files.exists(dir.resolve("new-runs")), "no directory, no lock file is left");

        // A checkpoint of another recipe is refused once the lock is held: what the run made goes too.
        Path run = dir.resolve("first");
        r = CliSupport.run("train", "--model", "simple_cnn", "--data", "embedded", "--epochs", "1", "--limit", "128",
                "--batch-size", "64", "--output", run.toString(), "--no-progress");
        assertEquals(0, r.status(), r.err());
        Path checkpoint;
        try (var s = Files.list(run.resolve("checkpoints"))) {
            checkpoint = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        r = CliSupport.run("train", "--model", "simple_cnn", "--data", "embedded", "--epochs", "2", "--limit", "128",
                "--batch-size", "32", "--resume-from", checkpoint.toString(), "--output", fresh.toString(),
                "--no-progress");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("was trained with"), r.err());
        assertFalse(Files.exists(dir.resolve("new-runs")), "no directory, no lock file is left");

        // An existing directory stays, whatever was refused.
        Path existing = dir.resolve("mine");
        Files.createDirectories(existing);
        r = CliSupport.run("train", "--model", "simple_cnn", "--data", "embedded", "--epochs", "1",
                "--resume-from", notACheckpoint.toString(), "--output", existing.toString(), "--no-progress");
        assertEquals(1, r.status(), r.err());
        assertTrue(Files.isDirectory(existing));
    }

    @Test
    void trainWritesOnlyIntoItsOwnRunDirectory(@TempDir Path dir) throws Exception {
        Path docs = dir.resolve("docs");
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("thesis.tex"), "years of work");
        refusedAndUntouched(dir, "holds files that are not a training run's (thesis.tex)", "train", "--model",
                "simple_cnn", "--data", "embedded", "--epochs", "1", "--output", docs.toString());
    }

    @Test
    void explainNeverWritesOverAnImageNorOneResultOverAnother(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("explain");
        Files.createDirectories(out);
        Path inside = out.resolve("cat.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", inside.toFile());
        refusedAndUntouched(dir, "is also an input", "explain", "--model-dir", model.toString(), "--output",
                out.toString(), inside.toString());

        Path a = Files.createDirectories(dir.resolve("a")).resolve("dog.png");
        Path b = Files.createDirectories(dir.resolve("b")).resolve("dog.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", a.toFile());
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB), "png", b.toFile());
        CliSupport.Result r = CliSupport.run("explain", "--model-dir", model.toString(), "--output", out.toString(),
                a.toString(), b.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(out.resolve("dog.json")).contains(a.toString().replace("\\", "\\\\")));
        assertTrue(Files.readString(out.resolve("dog-2.json")).contains(b.toString().replace("\\", "\\\\")));
    }

    @Test
    void staleTemporaryFilesOfInterruptedWritesAreRemovedOnTheNextWrite(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("state.npz");
        Path stale = dir.resolve(".state.npz.123456.tmp");
        Path live = dir.resolve(".state.npz.654321.tmp");
        Files.writeString(stale, "left by a killed process");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.writeString(live, "another writer, right now");
        CliSupport.Result r = CliSupport.run("export-torch", "--model-dir", model.toString(), "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(Files.exists(stale), "stale temporary file removed");
        assertTrue(Files.exists(live), "a recent one may belong to a running write");
    }
}
