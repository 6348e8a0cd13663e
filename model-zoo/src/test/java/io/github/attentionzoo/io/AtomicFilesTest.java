package io.github.attentionzoo.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.zoo.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class AtomicFilesTest {

    private static void writeVersion(Path dir, String version) throws IOException {
        AtomicFiles.writeDirectory(dir, tmp -> Files.writeString(tmp.resolve("version"), version));
    }

    private static String version(Path dir) throws IOException {
        return Files.readString(dir.resolve("version"));
    }

    @Test
    void aDirectoryIsReplacedWholeAndNothingIsLeftBeside(@TempDir Path root) throws IOException {
        Path dir = root.resolve("model");
        writeVersion(dir, "1");
        writeVersion(dir, "2");
        assertEquals("2", version(dir));
        try (var left = Files.list(root)) {
            assertEquals(1, left.count(), "only the directory itself remains");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldVersion(@TempDir Path root) throws IOException {
        Path dir = root.resolve("model");
        writeVersion(dir, "1");
        assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve("version"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("1", version(dir));
    }

    @Test
    void aFailedWriteLeavesNoDirectoryItMadeOnTheWay(@TempDir Path root) throws IOException {
        Path dir = root.resolve("a").resolve("b").resolve("model");
        assertThrows(RuntimeException.class, () -> AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve("version"), "half");
            throw new IllegalStateException("does not load");
        }));
        assertFalse(Files.exists(root.resolve("a")), "a/ and a/b/ were made by the write, and go with it");

        // A directory that was there before stays, and so does one another writer filled meanwhile.
        Files.createDirectories(root.resolve("kept"));
        assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(root.resolve("kept").resolve("x").resolve("m"),
                tmp -> {
                    Files.writeString(root.resolve("kept").resolve("x").resolve("theirs.txt"), "someone else's");
                    throw new IOException("disk full");
                }));
        assertTrue(Files.isRegularFile(root.resolve("kept").resolve("x").resolve("theirs.txt")));
        assertTrue(Files.isDirectory(root.resolve("kept")));
    }

    @Test
    void aCrashBetweenTheTwoRenamesIsRepairedByTheNextReader(@TempDir Path root) throws IOException {
        Path dir = root.resolve("model");
        writeVersion(dir, "1");
        // The state a kill -9 leaves after the old version was moved aside, before the new one arrived.
        Files.move(dir, AtomicFiles.previousVersion(dir));
        assertFalse(Files.exists(dir));
        assertEquals("1", version(AtomicFiles.recover(dir)));

        Files.move(dir, AtomicFiles.previousVersion(dir));
        writeVersion(dir, "2");
        assertEquals("2", version(dir));
        assertFalse(Files.exists(AtomicFiles.previousVersion(dir)));
    }

    @Test
    void aStaleOldVersionNextToACompleteDirectoryIsDiscarded(@TempDir Path root) throws IOException {
        Path dir = root.resolve("model");
        writeVersion(dir, "2");
        Files.createDirectories(AtomicFiles.previousVersion(dir));
        Files.writeString(AtomicFiles.previousVersion(dir).resolve("version"), "1");
        assertEquals("2", version(AtomicFiles.recover(dir)));
        writeVersion(dir, "3");
        assertEquals("3", version(dir));
        assertTrue(Files.notExists(AtomicFiles.previousVersion(dir)));
    }

    @Test
    void metadataReadsRepairAnInterruptedReplacement(@TempDir Path root) throws IOException {
        Path dir = root.resolve("model");
        ModelMetadata metadata = new ModelMetadata();
        metadata.architecture = "resnet20";
        AtomicFiles.writeDirectory(dir, metadata::write);
        Files.move(dir, AtomicFiles.previousVersion(dir));
        assertEquals("resnet20", ModelMetadata.read(dir).architecture);
    }
}
