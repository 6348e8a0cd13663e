package io.github.attentionzoo.interop;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} array (alone, or an entry of an {@code .npz} state_dict),
 * read strictly so that what it declares can be checked against the bytes really there before
 * anything of that size is allocated.
 *
 * @param descr the dtype as NumPy writes it, e.g. {@code <f4}
 * @param fortranOrder whether the data is stored column-major
 * @param shape the dimensions
 * @param dataOffset the bytes before the data: magic, version, length and header text
 */
public record NpyHeader(String descr, boolean fortranOrder, long[] shape, int dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy's own headers are a few hundred bytes; anything far larger is not one. */
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d{1,2})'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /**
     * Reads a header, leaving {@code in} at the first data byte.
     *
     * @param in the stream, at the start of the array
     * @param source the file (and entry) name, for messages
     * @return the header
     * @throws IOException when the stream ends early or the header is not NumPy's
     */
    public static NpyHeader read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(source + ": not a NumPy .npy array (no \\x93NUMPY magic)");
            }
            int major = data.readUnsignedByte();
            data.readUnsignedByte();
            long length;
            int prefix;
            if (major == 1) {
                length = data.readUnsignedByte() | (data.readUnsignedByte() << 8);
                prefix = 10;
            } else if (major == 2 || major == 3) {
                length = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
                prefix = 12;
            } else {
                throw new IOException(source + ": unsupported .npy format version " + major);
            }
            if (length > MAX_HEADER) {
                throw new IOException(source + ": .npy header declares " + length + " bytes; NumPy writes at most a few"
                        + " hundred, so this is no .npy array");
            }
            byte[] text = new byte[(int) length];
            data.readFully(text);
            return parse(new String(text, StandardCharsets.ISO_8859_1), prefix + (int) length, source);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated .npy header", e);
        }
    }

    private static NpyHeader parse(String text, int offset, String source) throws IOException {
        Matcher d = DESCR.matcher(text);
        Matcher f = FORTRAN.matcher(text);
        Matcher s = SHAPE.matcher(text);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(source + ": malformed .npy header " + text.trim());
        }
        String dims = s.group(1).trim();
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(","))
                .map(String::trim).filter(x -> !x.isEmpty()).mapToLong(x -> parseDim(x, source)).toArray();
        NpyHeader header = new NpyHeader(d.group(1) + d.group(2) + d.group(3), f.group(1).equals("True"), shape, offset);
        try {
            header.dataBytes();
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": the .npy header declares " + header.descr + " " + Arrays.toString(shape)
                    + ", more bytes than any file holds", e);
        }
        return header;
    }

    private static long parseDim(String dim, String source) {
        try {
            long v = Long.parseLong(dim);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": .npy shape has a bad dimension '" + dim + "'");
        }
    }

    /**
     * Returns the element kind: {@code f} float, {@code i} signed, {@code u} unsigned, {@code b} bool.
     *
     * @return the kind character
     */
    public char kind() {
        return descr.charAt(1);
    }

    /**
     * Returns the bytes per element.
     *
     * @return the item size
     */
    public int itemSize() {
        return Integer.parseInt(descr.substring(2));
    }

    /**
     * Returns the byte order of the data ({@code |} and {@code =} mean none or native, little-endian here).
     *
     * @return the order
     */
    public ByteOrder order() {
        return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the dimensions
     */
    public long elements() {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    /**
     * Returns the bytes the data takes, as the header declares it.
     *
     * @return elements times item size
     * @throws IllegalArgumentException when that overflows
     */
    public long dataBytes() {
        try {
            return Math.multiplyExact(elements(), (long) itemSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a .npy header declares an impossible size " + Arrays.toString(shape));
        }
    }

    /**
     * Checks the declared size against the bytes the file or entry really holds.
     *
     * @param available the bytes after the header, or -1 when unknown
     * @param source the file (and entry) name, for messages
     * @throws IOException when they differ
     */
    public void checkSize(long available, String source) throws IOException {
        if (available >= 0 && available != dataBytes()) {
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "%s: the .npy header declares %s %s (%,d bytes of data) but %,d bytes follow it", source, descr,
                    Arrays.toString(shape), dataBytes(), available));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && descr.equals(h.descr) && fortranOrder == h.fortranOrder
                && Arrays.equals(shape, h.shape) && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return 31 * descr.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return descr + Arrays.toString(shape);
    }
}
