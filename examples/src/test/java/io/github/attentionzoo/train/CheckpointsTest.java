package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Damaged or stray checkpoint folders: a sentence naming the file, or ignored, never a raw engine error. */
class CheckpointsTest {

    @Test
    void aFolderWithoutStateIsNotACheckpoint(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("checkpoints/epoch-0007"));
        Path real = Files.createDirectories(dir.resolve("checkpoints/epoch-0003"));
        Files.writeString(real.resolve("state.json"), "{}");
        assertEquals(real, new Checkpoints(dir).latest(), "the empty epoch-0007 is someone else's folder");
    }

    @Test
    void truncatedOptimizerStateNamesTheFile(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("optimizer.ndlist"), new byte[] {0, 0, 0, 9, 1, 2});
        try (NDManager manager = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> Checkpoints.readOptimizerState(dir, manager));
            assertTrue(e.getMessage().contains(dir.resolve("optimizer.ndlist").toString())
                    && e.getMessage().contains("corrupt or truncated"), e.getMessage());
        }
    }
}
