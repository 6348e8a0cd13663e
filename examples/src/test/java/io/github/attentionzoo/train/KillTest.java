package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.attentionzoo.zoo.ModelArtifacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code kill -9} a real training process at random moments (a bounded number of times): the
 * newest checkpoint must always load, and {@code --resume} must carry the run to its end.
 */
class KillTest {

    private static final int TRIALS = 4;

    private static Process start(Path out, boolean resume) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), "io.github.attentionzoo.cli.Main",
                "train", "--model", "simple_cnn", "--data", "embedded", "--limit", "64", "--batch-size", "32",
                "--epochs", "40", "--output", out.toString(), "--no-progress"));
        if (resume) {
            cmd.add("--resume");
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolveSibling("log.txt").toFile())
                .start();
    }

    private static void assertNewestCheckpointLoads(Path out) throws Exception {
        Path latest = new Checkpoints(out).latest();
        if (latest == null) {
            return;
        }
        Checkpoints.State state = Checkpoints.readState(latest);
        assertEquals(state.epoch, state.history.size());
        try (Model model = ModelArtifacts.load(latest, null)) {
            assertTrue(Checkpoints.readOptimizerState(latest, model.getNDManager()).size() > 0);
        }
    }

    @Test
    void killNineAtRandomMomentsNeverLosesTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Random random = new Random(2026);
        int killed = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Process p = start(out, true);
            // Start-up takes about a second; epochs of 64 images a fraction of one: spread the kills.
            Thread.sleep(1500 + random.nextInt(2500));
            if (p.isAlive()) {
                p.destroyForcibly();
                killed++;
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertNewestCheckpointLoads(out);
        }
        assertTrue(killed > 0, "at least one run must have been killed mid-way");
        Process last = start(out, true);
        assertTrue(last.waitFor(300, TimeUnit.SECONDS), "resumed run did not finish");
        String log = Files.readString(dir.resolve("log.txt"));
        assertEquals(0, last.exitValue(), log);
        Checkpoints.State state = Checkpoints.readState(new Checkpoints(out).latest());
        assertEquals(40, state.epoch);
        for (int e = 0; e < state.history.size(); e++) {
            assertEquals(e + 1, state.history.get(e).epoch(), "no epoch lost or repeated");
        }
        assertTrue(Files.isRegularFile(out.resolve("model/simple_cnn-0000.params")));
    }
}
