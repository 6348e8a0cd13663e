package io.github.attentionzoo.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of ustar archives, enough for the official CIFAR-10 archive. It refuses
 * entries whose path is absolute or climbs out with {@code ..}, so a crafted archive cannot name
 * files outside its own tree.
 */
final class TarReader {

    private static final int BLOCK = 512;

    /** One archive entry's header. */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    private final InputStream in;
    private final String source;
    private long pending;
    private long padding;

    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    Entry next() throws IOException {
        skip(pending + padding);
        pending = 0;
        padding = 0;
        byte[] header = readFully(BLOCK);
        if (header == null || isZero(header)) {
            return null;
        }
        String name = string(header, 0, 100);
        String prefix = string(header, 345, 155);
        if (!prefix.isEmpty()) {
            name = prefix + "/" + name;
        }
        long size = octal(header, 124, 12);
        char type = (char) header[156];
        if (name.startsWith("/") || name.equals("..") || name.startsWith("../")
                || name.contains("/../") || name.endsWith("/..")) {
            throw new CifarFormatException(
                    source + ": refusing archive entry '" + name + "': its path escapes the target directory");
        }
        pending = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(name, size, type);
    }

    byte[] readContent() throws IOException {
        if (pending > Integer.MAX_VALUE - 8) {
            throw new CifarFormatException(source + ": archive entry too large");
        }
        // Grown as bytes arrive, not allocated at the declared size: a header may lie.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(pending, 1 << 20));
        byte[] chunk = new byte[1 << 16];
        long left = pending;
        while (left > 0) {
            int r = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (r < 0) {
                throw new EOFException("archive ends inside an entry");
            }
            out.write(chunk, 0, r);
            left -= r;
        }
        pending = 0;
        return out.toByteArray();
    }

    private byte[] readFully(int n) throws IOException {
        byte[] buf = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                if (off == 0) {
                    return null;
                }
                throw new EOFException("archive truncated");
            }
            off += r;
        }
        return buf;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("archive truncated");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private long octal(byte[] h, int off, int len) {
        String s = string(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new CifarFormatException(source + ": corrupt archive header (size '" + s + "')", e);
        }
    }
}
