package io.github.attentionzoo.interop;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.attentionzoo.io.Messages;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks a state_dict file's own description of its tensors (an {@code .npz}'s {@code .npy}
 * headers, a {@code .safetensors} JSON header) against the bytes really in the file, before the
 * engine decodes it: a header that declares gigabytes, data that is not there, or a byte order
 * the decoder would misread is refused with one line naming the file and the tensor.
 */
final class StateDictFiles {

    /** The most tensor data a state_dict may declare; the zoo's largest network needs 0.1 GiB. */
    static final long MAX_TOTAL_BYTES = 4L << 30;
    /** safetensors' own limit on its JSON header. */
    private static final long MAX_SAFETENSORS_HEADER = 100L << 20;
    private static final Map<String, Integer> SAFETENSORS_SIZES = Map.of("F64", 8, "F32", 4, "F16", 2,
            "BF16", 2, "I64", 8, "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    private StateDictFiles() {}

    /**
     * Validates a state_dict file in either format.
     *
     * @param file the {@code .npz} or {@code .safetensors} file
     * @throws IOException when it cannot be read or its headers do not match its bytes
     */
    static void check(Path file) throws IOException {
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 2) < 2) {
                throw new IOException(file + ": empty or truncated state_dict file");
            }
        }
        String pickle = TorchPickles.refusal(file);
        if (pickle != null) {
            throw new IOException(pickle);
        }
        if (magic[0] == 'P' && magic[1] == 'K') {
            checkNpz(file);
        } else {
            checkSafetensors(file);
        }
    }

    private static void checkNpz(Path file) throws IOException {
        long total = 0;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String source = file + "!" + entry.getName();
                NpyHeader header;
                try (InputStream in = zip.getInputStream(entry)) {
                    header = NpyHeader.read(in, source);
                }
                header.checkSize(entry.getSize() < 0 ? -1 : entry.getSize() - header.dataOffset(), source);
                if (header.fortranOrder()) {
                    throw new IOException(source + ": stored in Fortran order; save it C-contiguous"
                            + " (numpy.ascontiguousarray)");
                }
                if (header.order() == ByteOrder.BIG_ENDIAN && header.itemSize() > 1) {
                    throw new IOException(source + ": big-endian " + header.descr() + " data, which would be read as"
                            + " little-endian; save it little-endian (array.astype('<" + header.kind()
                            + header.itemSize() + "'))");
                }
                total += header.dataBytes();
                checkTotal(total, file);
            }
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz archive (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void checkSafetensors(Path file) throws IOException {
        long size = Files.size(file);
        JsonObject header;
        long headerLength;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            if (size < 8) {
                throw new IOException(file + ": neither an .npz archive nor a .safetensors file (too short)");
            }
            headerLength = Long.reverseBytes(in.readLong());
            if (headerLength <= 0 || headerLength > MAX_SAFETENSORS_HEADER || headerLength > size - 8) {
                throw new IOException(String.format(Locale.ROOT, "%s: neither an .npz archive nor a .safetensors file"
                        + " (its header would be %,d bytes of a %,d-byte file)", file, headerLength, size));
            }
            byte[] text = in.readNBytes((int) headerLength);
            JsonElement parsed = JsonParser.parseString(new String(text, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new IOException(file + ": .safetensors header is not a JSON object");
            }
            header = parsed.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": .safetensors header is not valid JSON ("
                    + Messages.firstLine(e.getMessage()) + ")", e);
        }
        long data = size - 8 - headerLength;
        long total = 0;
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            String source = file + ": tensor '" + e.getKey() + "'";
            try {
                JsonObject t = e.getValue().getAsJsonObject();
                Integer itemSize = SAFETENSORS_SIZES.get(t.get("dtype").getAsString());
                if (itemSize == null) {
                    throw new IOException(source + " has unknown dtype " + t.get("dtype"));
                }
                long elements = 1;
                for (JsonElement dim : t.getAsJsonArray("shape")) {
                    long d = dim.getAsLong();
                    if (d < 0) {
                        throw new IOException(source + " has a negative dimension");
                    }
                    elements = Math.multiplyExact(elements, d);
                }
                long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
                long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
                long declared = Math.multiplyExact(elements, (long) itemSize);
                if (begin < 0 || end < begin || end > data || end - begin != declared) {
                    throw new IOException(String.format(Locale.ROOT, "%s declares %,d bytes at [%d, %d), but the"
                            + " file holds %,d bytes of data", source, declared, begin, end, data));
                }
                total += declared;
            } catch (RuntimeException ex) {
                throw new IOException(source + " has a malformed entry in the .safetensors header", ex);
            }
            checkTotal(total, file);
        }
    }

    private static void checkTotal(long total, Path file) throws IOException {
        if (total > MAX_TOTAL_BYTES) {
            throw new IOException(String.format(Locale.ROOT, "%s: declares more than %,d bytes of tensors;"
                    + " no attentionzoo network is that large", file, MAX_TOTAL_BYTES));
        }
    }
}
