package io.github.attentionzoo.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * CIFAR-10 images held in memory exactly as the binary files store them: per record one label
 * byte, then the red, green and blue 32×32 planes. Decoding happens once; batches are cut from
 * these bytes on demand.
 */
public final class CifarRecords {

    /** Image side in pixels. */
    public static final int SIDE = 32;
    /** Bytes of one image (3 planes of 32×32). */
    public static final int IMAGE_BYTES = 3 * SIDE * SIDE;
    /** Bytes of one record: the label, then the image. */
    public static final int RECORD_BYTES = IMAGE_BYTES + 1;
    /** The number of classes. */
    public static final int NUM_CLASSES = 10;
    /** The class names, in label order. */
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    /** The training files of the official binary version. */
    public static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** The test file of the official binary version. */
    public static final String TEST_FILE = "test_batch.bin";
    /** The official archive's name. */
    public static final String ARCHIVE = "cifar-10-binary.tar.gz";

    private final byte[] pixels;
    private final byte[] labels;

    /**
     * Wraps decoded records.
     *
     * @param pixels {@code size × IMAGE_BYTES} bytes, planes in file order
     * @param labels one label per image, each in [0, 10)
     */
    public CifarRecords(byte[] pixels, byte[] labels) {
        if (pixels.length != (long) labels.length * IMAGE_BYTES) {
            throw new IllegalArgumentException(
                    "pixels hold " + pixels.length + " bytes, expected " + labels.length + " × " + IMAGE_BYTES);
        }
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Returns the number of images.
     *
     * @return the size
     */
    public int size() {
        return labels.length;
    }

    /**
     * Returns the label of image {@code i}.
     *
     * @param i the index
     * @return the class in [0, 10)
     */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /**
     * Returns the raw pixel store (not copied): image i starts at {@code i * IMAGE_BYTES}.
     *
     * @return the pixels
     */
    public byte[] pixels() {
        return pixels;
    }

    /**
     * Returns the first {@code n} images, or all of them when there are fewer.
     *
     * @param n how many to keep
     * @return the records, shared storage when nothing is cut
     */
    public CifarRecords limit(long n) {
        if (n >= size()) {
            return this;
        }
        int k = (int) Math.max(0, n);
        byte[] p = new byte[k * IMAGE_BYTES];
        System.arraycopy(pixels, 0, p, 0, p.length);
        byte[] l = new byte[k];
        System.arraycopy(labels, 0, l, 0, k);
        return new CifarRecords(p, l);
    }

    /**
     * Parses records in the binary format.
     *
     * @param data the file's bytes
     * @param source the file's name, for messages
     * @return the records
     * @throws CifarFormatException when the size or a label is wrong
     */
    public static CifarRecords parse(byte[] data, String source) {
        if (data.length == 0) {
            throw new CifarFormatException(source + ": file is empty");
        }
        if (data.length % RECORD_BYTES != 0) {
            throw new CifarFormatException(
                    String.format(Locale.ROOT,
                            "%s: truncated or not CIFAR-10 binary: %d bytes is not a multiple of %d (%d whole records + %d bytes)",
                            source, data.length, RECORD_BYTES, data.length / RECORD_BYTES, data.length % RECORD_BYTES));
        }
        int n = data.length / RECORD_BYTES;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int off = i * RECORD_BYTES;
            int label = data[off] & 0xff;
            if (label >= NUM_CLASSES) {
                throw new CifarFormatException(
                        source + ": record " + i + " has label " + label + ", expected 0-9");
            }
            labels[i] = (byte) label;
            System.arraycopy(data, off + 1, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
        }
        return new CifarRecords(pixels, labels);
    }

    /**
     * Concatenates parts in order.
     *
     * @param parts the parts
     * @return all records
     */
    public static CifarRecords concat(List<CifarRecords> parts) {
        int n = parts.stream().mapToInt(CifarRecords::size).sum();
        byte[] p = new byte[n * IMAGE_BYTES];
        byte[] l = new byte[n];
        int at = 0;
        for (CifarRecords part : parts) {
            System.arraycopy(part.pixels, 0, p, at * IMAGE_BYTES, part.pixels.length);
            System.arraycopy(part.labels, 0, l, at, part.size());
            at += part.size();
        }
        return new CifarRecords(p, l);
    }

    /**
     * Loads a split from a directory holding the binary files, or from the official archive
     * (a directory containing it, or the archive's path itself).
     *
     * @param location a directory or a {@value #ARCHIVE} file
     * @param train true for the 50,000 training images, false for the 10,000 test images
     * @return the records
     * @throws IOException when a file cannot be read
     * @throws CifarFormatException when the data is not CIFAR-10 binary
     */
    public static CifarRecords load(Path location, boolean train) throws IOException {
        if (!Files.exists(location)) {
            throw new NoSuchFileException(location.toString(), null, "CIFAR-10 data not found");
        }
        if (Files.isRegularFile(location)) {
            return fromArchive(location, train);
        }
        List<String> names = train ? TRAIN_FILES : List.of(TEST_FILE);
        Path first = findFile(location, names.get(0));
        if (first == null) {
            Path archive = location.resolve(ARCHIVE);
            if (Files.isRegularFile(archive)) {
                return fromArchive(archive, train);
            }
            throw new NoSuchFileException(
                    location.toString(), null,
                    "no " + names.get(0) + " (nor " + ARCHIVE + ") in this directory");
        }
        List<CifarRecords> parts = new ArrayList<>();
        for (String name : names) {
            Path file = first.resolveSibling(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "CIFAR-10 file missing");
            }
            checkFileSize(Files.size(file), file.toString());
            parts.add(parse(Files.readAllBytes(file), file.toString()));
        }
        return parts.size() == 1 ? parts.get(0) : concat(parts);
    }

    /**
     * The most bytes one CIFAR file may hold: ten times the official 10,000 records. Checked before
     * anything is allocated, so that a huge (or sparse) file is refused with a sentence, not an
     * {@code OutOfMemoryError}.
     */
    static final long MAX_FILE_BYTES = 100_000L * RECORD_BYTES;

    /** Refuses a CIFAR file (or archive entry) whose size cannot be a CIFAR-10 binary file. */
    static void checkFileSize(long bytes, String source) {
        if (bytes > MAX_FILE_BYTES) {
            throw new CifarFormatException(String.format(Locale.ROOT,
                    "%s: %,d bytes is too large for a CIFAR-10 binary file (at most %,d records of %d bytes)",
                    source, bytes, MAX_FILE_BYTES / RECORD_BYTES, RECORD_BYTES));
        }
    }

    private static Path findFile(Path dir, String name) {
        // The official archive unpacks into cifar-10-batches-bin/; accept either layout.
        for (Path candidate : List.of(dir.resolve(name), dir.resolve("cifar-10-batches-bin").resolve(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Reads a split straight from the official {@value #ARCHIVE}, without unpacking it to disk.
     *
     * @param archive the archive
     * @param train which split
     * @return the records
     * @throws IOException when the archive cannot be read
     * @throws CifarFormatException when it is corrupt, lacks a file, or has an unsafe entry
     */
    public static CifarRecords fromArchive(Path archive, boolean train) throws IOException {
        List<String> names = train ? TRAIN_FILES : List.of(TEST_FILE);
        byte[][] found = new byte[names.size()][];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            TarReader tar = new TarReader(in, archive.toString());
            TarReader.Entry entry;
            while ((entry = tar.next()) != null) {
                String base = entry.name().substring(entry.name().lastIndexOf('/') + 1);
                int idx = names.indexOf(base);
                if (idx >= 0 && entry.isFile()) {
                    checkFileSize(entry.size(), archive + "!" + entry.name());
                    found[idx] = tar.readContent();
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new CifarFormatException(archive + ": corrupt archive (" + e.getMessage() + ")", e);
        }
        List<CifarRecords> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (found[i] == null) {
                throw new CifarFormatException(archive + ": archive has no " + names.get(i));
            }
            parts.add(parse(found[i], archive + "!" + names.get(i)));
        }
        return parts.size() == 1 ? parts.get(0) : concat(parts);
    }

    /**
     * Loads the small sample of real CIFAR-10 shipped in this jar (1,000 training and 1,000 test
     * images, 100 per class), so that everything runs on a machine with no data and no network.
     *
     * @param train which split
     * @return the records
     * @throws IOException when the resource cannot be read
     */
    public static CifarRecords embedded(boolean train) throws IOException {
        String name = train ? "/cifar10-sample/data_batch_1.bin" : "/cifar10-sample/test_batch.bin";
        try (InputStream in = CifarRecords.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new NoSuchFileException(name, null, "embedded CIFAR-10 sample missing from the jar");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return parse(out.toByteArray(), "embedded " + name);
        }
    }
}
