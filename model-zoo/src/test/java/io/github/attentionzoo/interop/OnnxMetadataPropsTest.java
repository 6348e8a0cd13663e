package io.github.attentionzoo.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.io.OnnxMetadataProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata_props reader gives back what the exporter's writer wrote, skipping a graph of any
 * size, and refuses a file whose declared lengths, entry counts or encodings are hostile, naming
 * the file, before allocating what they declare.
 */
class OnnxMetadataPropsTest {

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static void refused(Path file, String reason) {
        IOException e = assertThrows(IOException.class, () -> OnnxMetadataProps.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(reason), e.getMessage());
    }

    /** Raw varint bytes, for messages ProtoWriter would never write. */
    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long x = v;
        while ((x & ~0x7FL) != 0) {
            out.write((int) ((x & 0x7F) | 0x80));
            x >>>= 7;
        }
        out.write((int) x);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsWhatTheWriterWroteAroundALargeGraph(@TempDir Path dir) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("architecture", "se_resnet20");
        props.put("class_names", "[\"chat\", \"caf\u00e9\", \"\u732b\"]");
        props.put("empty", "");
        ProtoWriter model = new ProtoWriter().int64(1, 8).string(2, "attentionzoo");
        byte[] graph = new byte[3 << 20];
        Arrays.fill(graph, (byte) 0x7A);
        model.bytes(7, graph).float32(9, 1.5f);
        for (Map.Entry<String, String> e : props.entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        Path file = write(dir, "m.onnx", model.toByteArray());
        assertEquals(props, OnnxMetadataProps.read(file));
        assertEquals(List.copyOf(props.keySet()), List.copyOf(OnnxMetadataProps.read(file).keySet()));

        assertEquals(Map.of(), OnnxMetadataProps.read(write(dir, "bare.onnx", new ProtoWriter().int64(1, 8)
                .bytes(7, graph).toByteArray())));
    }

    @Test
    void hostileLengthsAndEncodingsAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        byte[] whole = new ProtoWriter().int64(1, 8).bytes(7, new byte[10_000])
                .message(14, new ProtoWriter().string(1, "architecture").string(2, "resnet20")).toByteArray();
        refused(write(dir, "cut-in-graph.onnx", Arrays.copyOf(whole, 5_000)), "truncated");
        refused(write(dir, "cut-in-props.onnx", Arrays.copyOf(whole, whole.length - 3)), "truncated");

        // An entry declaring a terabyte in a file of a few bytes: refused before anything is allocated.
        refused(write(dir, "tera.onnx", concat(new byte[] {0x72}, varint(1L << 40), new byte[16])), "truncated");
        // A key that runs past the end of its entry.
        refused(write(dir, "overrun.onnx", concat(new byte[] {0x72, 4, 0x0A, 10}, "abcdefghij".getBytes())),
                "runs past");
        // Ten continuation bytes and more: no varint is that long.
        byte[] longVarint = new byte[12];
        Arrays.fill(longVarint, (byte) 0xFF);
        refused(write(dir, "varint.onnx", longVarint), "longer than 10 bytes");
        // Wire type 3 (a start group), which ONNX never uses.
        refused(write(dir, "group.onnx", new byte[] {(7 << 3) | 3, 0}), "wire type 3");
        // A value that is not UTF-8.
        refused(write(dir, "latin1.onnx", concat(new byte[] {0x72, 7, 0x0A, 1, 'k', 0x12, 2, (byte) 0xE9, 'x'})),
                "not UTF-8");

        ProtoWriter many = new ProtoWriter();
        for (int i = 0; i <= OnnxMetadataProps.MAX_ENTRIES; i++) {
            many.message(14, new ProtoWriter().string(1, "k" + i).string(2, "v"));
        }
        refused(write(dir, "many.onnx", many.toByteArray()), "exceed");

        Files.createDirectories(dir.resolve("dir.onnx"));
        refused(dir.resolve("dir.onnx"), "not a regular file");
    }
}
