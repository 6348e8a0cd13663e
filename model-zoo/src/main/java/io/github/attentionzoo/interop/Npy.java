package io.github.attentionzoo.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.io.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipInputStream;

/** Reads and writes single arrays as numpy {@code .npy} files: strictly checked on the way in, through DJL's encoder on the way out. */
public final class Npy {

    private Npy() {}

    /**
     * Reads a {@code .npy} file's header and checks the size it declares against the file's, so a
     * caller can refuse a shape before anything of that size is allocated.
     *
     * @param file the file
     * @return the header
     * @throws IOException when the file is missing, not a .npy array, or not as long as it declares
     */
    public static NpyHeader header(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "input file not found");
        }
        NpyHeader header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            header = NpyHeader.read(in, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        header.checkSize(Files.size(file) - header.dataOffset(), file.toString());
        if (header.fortranOrder()) {
            throw new IOException(file + ": stored in Fortran order; save it C-contiguous (numpy.ascontiguousarray)");
        }
        return header;
    }

    /**
     * Reads a {@code .npy} file (float32, float64, int32, int64 or uint8, either byte order).
     *
     * @param manager where the array lives
     * @param file the file
     * @return the array
     * @throws IOException when the file is missing or not a .npy array (naming it)
     */
    public static NDArray read(NDManager manager, Path file) throws IOException {
        NpyHeader header = header(file);
        DataType type = switch (header.descr().substring(1)) {
            case "f4" -> DataType.FLOAT32;
            case "f8" -> DataType.FLOAT64;
            case "i4" -> DataType.INT32;
            case "i8" -> DataType.INT64;
            case "u1" -> DataType.UINT8;
            default -> throw new IOException(file + ": unsupported dtype '" + header.descr()
                    + "'; expected float32 ('<f4'), float64, int32, int64 or uint8");
        };
        if (header.dataBytes() > Integer.MAX_VALUE - 8) {
            throw new IOException(String.format(Locale.ROOT, "%s: %,d bytes of data is more than one array can hold",
                    file, header.dataBytes()));
        }
        ByteBuffer data = ByteBuffer.allocate((int) header.dataBytes()).order(header.order());
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(header.dataOffset());
            while (data.hasRemaining() && ch.read(data) >= 0) {
                // reads until full; the size was checked above
            }
        }
        data.flip();
        return manager.create(littleEndian(data, header.itemSize()), new Shape(header.shape()), type);
    }

    /** The data in the engine's byte order; big-endian files are swapped element by element, losslessly. */
    private static ByteBuffer littleEndian(ByteBuffer data, int itemSize) {
        ByteBuffer out = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        if (data.order() == ByteOrder.LITTLE_ENDIAN || itemSize == 1) {
            out.put(data);
        } else if (itemSize == 4) {
            out.asIntBuffer().put(data.asIntBuffer());
        } else {
            out.asLongBuffer().put(data.asLongBuffer());
        }
        return out.rewind();
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
