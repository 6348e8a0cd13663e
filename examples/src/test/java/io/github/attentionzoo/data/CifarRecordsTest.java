package io.github.attentionzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

class CifarRecordsTest {

    /** n records: label i % 10, pixels derived from (i, position). */
    static byte[] records(int n) {
        byte[] data = new byte[n * CifarRecords.RECORD_BYTES];
        for (int i = 0; i < n; i++) {
            int off = i * CifarRecords.RECORD_BYTES;
            data[off] = (byte) (i % 10);
            for (int j = 0; j < CifarRecords.IMAGE_BYTES; j++) {
                data[off + 1 + j] = (byte) (i * 31 + j);
            }
        }
        return data;
    }

    static void writeSplit(Path dir, int perFile) throws IOException {
        for (String f : CifarRecords.TRAIN_FILES) {
            Files.write(dir.resolve(f), records(perFile));
        }
        Files.write(dir.resolve(CifarRecords.TEST_FILE), records(perFile));
    }

    @Test
    void parsesTheBinaryLayout() {
        CifarRecords r = CifarRecords.parse(records(3), "mem");
        assertEquals(3, r.size());
        assertEquals(2, r.label(2));
        assertEquals((byte) (2 * 31 + 5), r.pixels()[2 * CifarRecords.IMAGE_BYTES + 5]);
    }

    @Test
    void readsAllFiveTrainingFilesAndTheTestFile(@TempDir Path dir) throws IOException {
        writeSplit(dir, 4);
        assertEquals(20, CifarRecords.load(dir, true).size());
        assertEquals(4, CifarRecords.load(dir, false).size());
    }

    @Test
    void truncatedFileNamesTheFileAndTheArithmetic(@TempDir Path dir) throws IOException {
        writeSplit(dir, 2);
        Files.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(records(2), 5000));
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarRecords.load(dir, true));
        assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("not a multiple of 3073"),
                e.getMessage());
    }

    @Test
    void labelAboveNineIsRejected() {
        byte[] data = records(3);
        data[CifarRecords.RECORD_BYTES] = 12;
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarRecords.parse(data, "x.bin"));
        assertTrue(e.getMessage().contains("record 1 has label 12"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() {
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarRecords.parse(new byte[0], "e.bin"));
        assertTrue(e.getMessage().contains("e.bin: file is empty"));
    }

    @Test
    void missingDirectoryAndMissingFileAreNamed(@TempDir Path dir) throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> CifarRecords.load(dir.resolve("nope"), true));
        assertTrue(missing.getFile().endsWith("nope"));
        writeSplit(dir, 1);
        Files.delete(dir.resolve("data_batch_4.bin"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> CifarRecords.load(dir, true));
        assertTrue(e.getFile().endsWith("data_batch_4.bin"));
    }

    static void tarEntry(OutputStream out, String name, byte[] content) throws IOException {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, header, 0, n.length);
        byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        header[156] = '0';
        out.write(header);
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
    }

    static Path archive(Path dir, String prefix, int perFile) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (String f : CifarRecords.TRAIN_FILES) {
            tarEntry(tar, prefix + f, records(perFile));
        }
        tarEntry(tar, prefix + CifarRecords.TEST_FILE, records(perFile));
        tar.write(new byte[1024]);
        Path file = dir.resolve(CifarRecords.ARCHIVE);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(tar.toByteArray());
        }
        return file;
    }

    @Test
    void readsTheOfficialArchiveWithoutUnpacking(@TempDir Path dir) throws IOException {
        Path file = archive(dir, "cifar-10-batches-bin/", 3);
        CifarRecords train = CifarRecords.load(file, true);
        assertEquals(15, train.size());
        CifarRecords viaDir = CifarRecords.load(dir, false);
        assertArrayEquals(CifarRecords.parse(records(3), "x").pixels(), viaDir.pixels());
    }

    @Test
    void archiveEntryEscapingTheDirectoryIsRefused(@TempDir Path dir) throws IOException {
        Path file = archive(dir, "../", 1);
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarRecords.load(file, true));
        assertTrue(e.getMessage().contains("escapes the target directory"), e.getMessage());
    }

    @Test
    void corruptArchiveIsAClearError(@TempDir Path dir) throws IOException {
        Path file = archive(dir, "", 2);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarRecords.load(file, true));
        assertTrue(e.getMessage().contains("corrupt archive"), e.getMessage());
        Files.write(file, "not gzip at all".getBytes(StandardCharsets.US_ASCII));
        assertThrows(CifarFormatException.class, () -> CifarRecords.load(file, true));
    }

    @Test
    void embeddedSampleIsRealBalancedCifar() throws IOException {
        for (boolean train : new boolean[] {true, false}) {
            CifarRecords r = CifarRecords.embedded(train);
            assertEquals(1000, r.size());
            int[] counts = new int[10];
            for (int i = 0; i < r.size(); i++) {
                counts[r.label(i)]++;
            }
            int[] expected = new int[10];
            Arrays.fill(expected, 100);
            assertArrayEquals(expected, counts);
        }
    }

    @Test
    void limitKeepsTheFirstImages() {
        CifarRecords r = CifarRecords.parse(records(10), "x").limit(4);
        assertEquals(4, r.size());
        assertEquals(3, r.label(3));
    }

    /**
     * The embedded sample is the first 100 images of each class of the official {@code data_batch_1.bin} and
     * {@code test_batch.bin} (make_sample.py). A changed or re-encoded sample changes these sums.
     */
    @Test
    void embeddedSampleIsTheOfficialFilesFirstHundredPerClass() throws Exception {
        assertEquals("bf94625ad186633dff53b4a30b754c7b996a7b52b80645eebc474f053fb420a1",
                sha256("/cifar10-sample/data_batch_1.bin"));
        assertEquals("2874326af7bc2185faa47540a6da15a077e5b66659f8e479abb9ab628170fa86",
                sha256("/cifar10-sample/test_batch.bin"));
    }

    private static String sha256(String resource) throws Exception {
        try (java.io.InputStream in = CifarRecords.class.getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " missing");
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }
}
