package io.github.attentionzoo.interop;

import io.github.attentionzoo.io.OnnxProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the protocol-buffers wire format an ONNX file needs: varints, fixed32 floats and
 * length-delimited fields. A finished message is kept as a list of chunks, so that embedding it
 * in a parent only prepends a length: a 100 MB weight blob is never copied on its way up to the
 * model, only once when written out.
 */
final class ProtoWriter {

    private static final int VARINT = OnnxProto.Wire.VARINT;
    private static final int FIXED32 = OnnxProto.Wire.FIXED32;
    private static final int LENGTH_DELIMITED = OnnxProto.Wire.LENGTH_DELIMITED;

    private final List<byte[]> chunks = new ArrayList<>();
    private ByteArrayOutputStream current = new ByteArrayOutputStream();
    private long size;

    /** Returns the encoded size of the message so far, in bytes. */
    long size() {
        return size + current.size();
    }

    private void raw(int b) {
        current.write(b);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            raw((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        raw((int) v);
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Writes an int64/int32/enum field (negative values take ten bytes, as protobuf's int64). */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /** Writes a float field. */
    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        raw(bits & 0xFF);
        raw((bits >>> 8) & 0xFF);
        raw((bits >>> 16) & 0xFF);
        raw((bits >>> 24) & 0xFF);
        return this;
    }

    /** Writes a string field as UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a bytes field; large arrays are kept by reference, not copied. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        if (value.length < 4096) {
            current.write(value, 0, value.length);
        } else {
            flush();
            chunks.add(value);
            size += value.length;
        }
        return this;
    }

    /**
     * Writes a repeated int64 field unpacked, the encoding onnx.proto's proto2 fields declare
     * ({@code dims}, {@code ints}); parsers accept it whatever they expect.
     */
    ProtoWriter repeatedInt64(int field, long[] values) {
        for (long v : values) {
            int64(field, v);
        }
        return this;
    }

    /** Embeds a finished message; {@code message} must not change afterwards. */
    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LENGTH_DELIMITED);
        varint(message.size());
        message.flush();
        flush();
        chunks.addAll(message.chunks);
        size += message.size;
        return this;
    }

    private void flush() {
        if (current.size() > 0) {
            byte[] b = current.toByteArray();
            chunks.add(b);
            size += b.length;
            current = new ByteArrayOutputStream();
        }
    }

    /** Writes the message to a stream. */
    void writeTo(OutputStream out) throws IOException {
        flush();
        for (byte[] c : chunks) {
            out.write(c);
        }
    }

    /** Returns the message as one array. */
    byte[] toByteArray() {
        flush();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the model is " + size + " bytes, too large for one array; write it to a file");
        }
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }
}
