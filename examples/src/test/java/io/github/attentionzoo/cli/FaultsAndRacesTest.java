package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.attentionzoo.app.OutputLock;
import io.github.attentionzoo.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The third list's classes of failure, each at its root: a run owns its output while it runs;
 * outputs that are devices, FIFOs or below a file are refused; write faults name the output the
 * user gave with what the system said; numbers out of any usable range are refused before work
 * starts. Tests run as root, so faults come from a read-only bind mount and a full tmpfs in a private
 * mount namespace, and from a file-size limit, never from permission bits.
 */
class FaultsAndRacesTest extends ImportedModelTest {



    private static String[] train(Path out) {
        return new String[] {"train", "--model", "simple_cnn", "--data", "embedded", "--limit", "64", "--epochs", "1",
            "--batch-size", "32", "--no-progress", "--output", out.toString()};
    }

    @Test
    void aSecondRunIntoARunningRunsOutputIsRefusedByName(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("race");
        try (OutputLock held = OutputLock.acquire(out, "--output")) {
            assertMentions(fails(train(out)), "--output " + out, "another run is writing to it");
            assertFalse(Files.exists(out.resolve("model")));
        }
        assertEquals(0, CliSupport.run(train(out)).status(), "free again once the first run has ended");
    }

    @Test
    void theLockIsTheKernelsAndAKilledHolderReleasesIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("race");
        Process holder = CliSupport.childProcess(List.of(java(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), out.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            while (first != null && first.startsWith("Picked up ")) {
                first = lines.readLine();
            }
            assertEquals("locked", first);
            assertMentions(fails(train(out)), "--output " + out, "another run is writing to it");
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(0, CliSupport.run(train(out)).status(), "kill -9 of the holder released the lock");
    }

    /** Holds an output's lock until killed: the other process of the race. */
    public static final class LockHolder {
        private LockHolder() {}

        /**
         * Takes the lock and waits.
         *
         * @param args the output directory
         * @throws Exception never, in practice
         */
        public static void main(String[] args) throws Exception {
            OutputLock lock = OutputLock.acquire(Path.of(args[0]), "--output");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(600_000);
            lock.close();
        }
    }

    private static boolean mknod(Path path, String type, String major, String minor) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mknod", path.toString(), type));
        if (major != null) {
            cmd.addAll(List.of(major, minor));
        }
        return new ProcessBuilder(cmd).start().waitFor() == 0;
    }

    @Test
    void outputsThatAreNotRegularFilesAreRefusedAndLeftAsTheyWere(@TempDir Path dir) throws Exception {
        Path device = dir.resolve("null");
        Path fifo = dir.resolve("fifo");
        assumeTrue(mknod(device, "c", "1", "3") && mknod(fifo, "p", null, null), "mknod is not available");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, device);
        Path input = dir.resolve("x.npy");
        Files.write(input, HostileInputTest.npy("<f4", "1, 3, 32, 32", new byte[4 * 3 * 32 * 32]));
        for (Path target : List.of(device, fifo, link)) {
            String what = target.equals(fifo) ? "is a FIFO" : "is a character device";
            assertMentions(fails("infer", "--model-dir", model.toString(), "--input", input.toString(), "--output",
                    target.toString()), target.toString(), what);
            assertMentions(fails("export-torch", "--model-dir", model.toString(), "--output", target.toString()),
                    target.toString(), what);
            assertMentions(fails("export-onnx", "--model-dir", model.toString(), "--output", target.toString()),
                    target.toString(), what);
            assertMentions(fails("export-serving", "--model-dir", model.toString(), "--output", target.toString(),
                    "--force"), target.toString(), what);
        }
        assertEquals("a character device", AtomicFiles.kind(device));
        assertEquals("a FIFO (named pipe)", AtomicFiles.kind(fifo));
        assertTrue(Files.isSymbolicLink(link));
        Path zero = dir.resolve("zero");
        assumeTrue(mknod(zero, "c", "1", "5"));
        assertMentions(fails("predict", "--model-dir", model.toString(), zero.toString()), zero.toString(),
                "is a character device, not an image file");
    }

    @Test
    void aParentThatIsAFileAndALongLegalNameAreHandledByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "mine");
        String err = fails("export-torch", "--model-dir", model.toString(), "--output", file.resolve("x.npz").toString());
        assertMentions(err, file.resolve("x.npz").toString(), file + " is a regular file, not a directory");
        assertFalse(err.contains("--force") || err.contains("already exists"), err);
        assertEquals("mine", Files.readString(file));
        // 250 bytes is a legal name; its temporary sibling must be one too.
        Path longName = dir.resolve("m".repeat(245) + ".onnx");
        assertEquals(0, CliSupport.run("export-onnx", "--model-dir", model.toString(), "--output",
                longName.toString()).status());
        assertTrue(Files.size(longName) > 1_000_000);
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count(), "no temporary file is left beside it");
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs the command line in a child JVM under a shell prelude (mounts, limits); returns status and stderr. */
    private static CliSupport.Result child(String prelude, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder(prelude).append(" exec '").append(java()).append("' -Dai.djl.offline=true"
                + " -cp '").append(System.getProperty("java.class.path")).append("' ").append(Main.class.getName());
        for (String a : args) {
            cmd.append(" '").append(a).append("'");
        }
        Process p = CliSupport.childProcess(List.of("unshare", "-m", "sh", "-c", cmd.toString())).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new CliSupport.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                CliSupport.ownLines(new String(err, StandardCharsets.UTF_8)));
    }

    private static boolean canUnshare() throws Exception {
        try {
            return new ProcessBuilder("unshare", "-m", "true").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void writeFaultsNameTheOutputAndWhatTheSystemSaid(@TempDir Path dir) throws Exception {
        assumeTrue(canUnshare(), "no private mount namespace here (unshare -m needs root)");
        Path ro = dir.resolve("ro");
        Files.createDirectories(ro);
        Path full = dir.resolve("full");
        Files.createDirectories(full);
        Path big = dir.resolve("big");
        Files.createDirectories(big);
        String[][] cases = {
            {"mount --bind '" + ro + "' '" + ro + "' && mount -o remount,ro,bind '" + ro + "' &&",
                ro.resolve("w.npz").toString(), "Read-only file system"},
            {"mount -t tmpfs -o size=64k tmpfs '" + full + "' &&", full.resolve("w.npz").toString(),
                "No space left on device"},
            {"trap '' XFSZ; ulimit -f 200;", big.resolve("w.npz").toString(), "File too large"},
        };
        for (String[] c : cases) {
            CliSupport.Result r = child(c[0], "export-torch", "--model-dir", model.toString(), "--output", c[1]);
            String err = r.err().strip();
            assertEquals(1, r.status(), err);
            assertEquals(1, err.lines().count(), err);
            assertMentions(err, c[1], c[2]);
            assertFalse(err.contains("/." ) || err.contains(".tmp"), "names no temporary file: " + err);
        }
        try (var left = Files.list(big)) {
            assertEquals(0, left.count(), "a failed write leaves nothing behind");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "evaluate --model se_resnet20 --batch-size 2147483647, --batch-size 2147483647, 65536",
        "bench --model se_resnet20 --mode infer --batch-size 1000000000, --batch-size 1000000000, 65536",
        "bench --model se_resnet20 --mode infer --threads 10000, --threads 10000, from 1 to",
        "bench --model se_resnet20 --mode infer --seconds NaN, --seconds NaN, above 0",
        "bench --model se_resnet20 --mode infer --seconds -1, --seconds -1, above 0",
        "train --model simple_cnn --lr Infinity --print-recipe, --lr Infinity, above 0",
        "train --model simple_cnn --epochs 0 --print-recipe, --epochs 0, from 1 to 100000",
        "soak --infer -5, --infer -5, from 0 to",
        "finetune --model se_resnet20 --data embedded --batch-size 0, --batch-size 0, from 1 to",
    })
    void numbersOutOfAnyUsableRangeAreRefusedWithTheRange(String command, String named, String range) {
        CliSupport.Result r = CliSupport.run(command.split(" "));
        assertEquals(2, r.status(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertMentions(err.replace(",", ""), named, range.replace(",", ""));
    }

    @Test
    void predictClassifiesTheImagesOfADirectory(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("photos");
        Files.createDirectories(images);
        Path cat = Path.of(System.getProperty("attentionzoo.project.dir", ".."), "examples", "consumer", "cat.png");
        Files.copy(cat, images.resolve("a.png"));
        Files.copy(cat, images.resolve("b.png"));
        Files.writeString(images.resolve("notes.txt"), "not an image");
        CliSupport.Result r = CliSupport.run("predict", "--model", "se_resnet20", images.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(images.resolve("a.png") + ":") && r.out().contains(images.resolve("b.png") + ":"),
                r.out());
        assertFalse(r.out().contains("notes.txt"));
        Files.createDirectories(dir.resolve("empty"));
        assertMentions(fails("predict", "--model", "se_resnet20", dir.resolve("empty").toString()),
                "holds no PNG, JPEG, BMP or GIF image");
    }
}
