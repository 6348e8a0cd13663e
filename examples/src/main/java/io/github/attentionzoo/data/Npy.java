package io.github.attentionzoo.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.attentionzoo.zoo.AtomicFiles;

import java.io.ByteArrayInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;

/** Reads and writes single arrays as numpy {@code .npy} files, through DJL's own encoders. */
public final class Npy {

    private Npy() {}

    /**
     * Reads a {@code .npy} file.
     *
     * @param manager where the array lives
     * @param file the file
     * @return the array
     * @throws IOException when the file is missing or not a .npy array (naming it)
     */
    public static NDArray read(NDManager manager, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "input file not found");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            NDList list = NDList.decode(manager, in);
            if (list.size() != 1) {
                throw new IOException(file + ": expected one array, found " + list.size());
            }
            return list.head();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a readable .npy array (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes one array as a {@code .npy} file, atomically.
     *
     * @param array the array
     * @param file the file
     * @throws IOException when writing fails
     */
    public static void write(NDArray array, Path file) throws IOException {
        // DJL writes .npy entries inside .npz archives; unwrap the single entry.
        byte[] npz = new NDList(array).encode(NDList.Encoding.NPZ);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(npz))) {
            if (zip.getNextEntry() == null) {
                throw new IOException("DJL wrote an empty archive");
            }
            byte[] npy = zip.readAllBytes();
            AtomicFiles.write(file, out -> out.write(npy));
        }
    }
}
