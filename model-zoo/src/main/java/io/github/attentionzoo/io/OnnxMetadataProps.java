package io.github.attentionzoo.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code metadata_props} of an ONNX file (field 14 of its {@code ModelProto}, entries of
 * {@code key} = 1 and {@code value} = 2, numbers named in {@link OnnxProto}) without reading the
 * rest: the graph and its weights are skipped by seeking. It is the reading half of {@code interop.ProtoWriter}'s wire format, kept here
 * because the zoo checks every {@code .onnx} it loads and must not depend on the exporter.
 *
 * <p>Every length the file declares is checked against the bytes really left before anything of
 * that size is allocated, and the entries are bounded in number and in total size, so a hostile
 * file costs at most {@value #MAX_ENTRIES} entries of {@link TextFiles#MAX_BYTES} bytes in all.
 */
public final class OnnxMetadataProps {

    /** The most entries read; the project writes about a dozen. */
    public static final int MAX_ENTRIES = 4096;

    private static final int MODEL_METADATA_PROPS = OnnxProto.Model.METADATA_PROPS;
    private static final int KEY = OnnxProto.StringStringEntry.KEY;
    private static final int VALUE = OnnxProto.StringStringEntry.VALUE;
    private static final int VARINT = OnnxProto.Wire.VARINT;
    private static final int FIXED64 = OnnxProto.Wire.FIXED64;
    private static final int LENGTH_DELIMITED = OnnxProto.Wire.LENGTH_DELIMITED;
    private static final int FIXED32 = OnnxProto.Wire.FIXED32;

    private final FileChannel channel;
    private final Path file;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 13);
    /** The file offset of {@code buffer}'s position 0. */
    private long bufferStart;

    private OnnxMetadataProps(FileChannel channel, Path file, long size) {
        this.channel = channel;
        this.file = file;
        this.size = size;
        buffer.limit(0);
    }

    /**
     * Reads an ONNX file's metadata_props, in file order (a key given twice keeps its last value,
     * as protobuf's map semantics do).
     *
     * @param file the {@code .onnx} file
     * @return the entries; empty when the file has none
     * @throws IOException naming the file when it is missing, not a regular file, or not a
     *     well-formed protobuf message as far as the entries go
     */
    public static Map<String, String> read(Path file) throws IOException {
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString(), null, "not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new OnnxMetadataProps(channel, file, channel.size()).model();
        }
    }

    private Map<String, String> model() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        long total = 0;
        int entries = 0;
        while (position() < size) {
            long tag = varint();
            int field = (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
            int wire = (int) (tag & 7);
            if (field == MODEL_METADATA_PROPS && wire == LENGTH_DELIMITED) {
                long length = length(field);
                total += length;
                if (++entries > MAX_ENTRIES || total > TextFiles.MAX_BYTES) {
                    throw bad(String.format(Locale.ROOT, "its metadata_props exceed %,d entries or %,d bytes",
                            MAX_ENTRIES, TextFiles.MAX_BYTES));
                }
                String[] entry = entry(position() + length);
                props.put(entry[0], entry[1]);
            } else {
                skip(field, wire);
            }
        }
        return props;
    }

    /** Reads one StringStringEntryProto ending at {@code end}: {key, value}, each "" when absent. */
    private String[] entry(long end) throws IOException {
        String[] kv = {"", ""};
        while (position() < end) {
            long tag = varint();
            int field = (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
            int wire = (int) (tag & 7);
            if ((field == KEY || field == VALUE) && wire == LENGTH_DELIMITED) {
                long length = length(field);
                if (position() + length > end) {
                    throw bad("a metadata_props entry's field " + field + " runs past the entry");
                }
                kv[field == KEY ? 0 : 1] = utf8(bytes((int) length));
            } else {
                skip(field, wire);
            }
        }
        if (position() != end) {
            throw bad("a metadata_props entry runs past its declared length");
        }
        return kv;
    }

    private void skip(int field, int wire) throws IOException {
        switch (wire) {
            case VARINT -> varint();
            case FIXED64 -> seek(8, field);
            case FIXED32 -> seek(4, field);
            case LENGTH_DELIMITED -> seek(length(field), field);
            default -> throw bad("field " + field + " has wire type " + wire + ", which ONNX does not use");
        }
    }

    /** A declared length, refused when more bytes are declared than the file has left. */
    private long length(int field) throws IOException {
        long length = varint();
        long left = size - position();
        if (length < 0 || length > left) {
            throw bad(String.format(Locale.ROOT, "field %d declares %,d bytes but %,d remain: the file is truncated",
                    field, length < 0 ? Long.MAX_VALUE : length, left));
        }
        return length;
    }

    private long varint() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = next();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw bad("a varint longer than 10 bytes");
    }

    private long position() {
        return bufferStart + buffer.position();
    }

    private int next() throws IOException {
        if (!buffer.hasRemaining()) {
            fill(position());
            if (!buffer.hasRemaining()) {
                throw bad("it ends inside a field");
            }
        }
        return buffer.get() & 0xFF;
    }

    private void seek(long n, int field) throws IOException {
        long target = position() + n;
        if (target > size) {
            throw bad(String.format(Locale.ROOT, "field %d ends %,d bytes past the end of the file: the file is truncated",
                    field, target - size));
        }
        if (target <= bufferStart + buffer.limit()) {
            buffer.position((int) (target - bufferStart));
        } else {
            fill(target);
        }
    }

    private void fill(long at) throws IOException {
        buffer.clear();
        bufferStart = at;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at + buffer.position());
            if (n < 0) {
                break;
            }
        }
        buffer.flip();
    }

    /** Reads {@code n} bytes; {@code n} was checked against the file's size and the entries' bound. */
    private byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        int at = 0;
        while (at < n) {
            if (!buffer.hasRemaining()) {
                fill(position());
                if (!buffer.hasRemaining()) {
                    throw new EOFException(file + ": ends inside a metadata_props entry");
                }
            }
            int k = Math.min(n - at, buffer.remaining());
            buffer.get(out, at, k);
            at += k;
        }
        return out;
    }

    private String utf8(byte[] bytes) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("a metadata_props entry is not UTF-8 text");
        }
    }

    private IOException bad(String reason) {
        return new IOException(file + ": not a well-formed ONNX file (" + reason + ")");
    }
}
