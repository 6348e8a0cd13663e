package io.github.attentionzoo.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the small text files a model directory or a run holds (metadata, synset, metrics),
 * refusing before reading what cannot be one: a FIFO or device (which would hang or never end),
 * a file larger than the bound, bytes that are not UTF-8. Each refusal names the file.
 */
public final class TextFiles {

    /** Ample for any metadata, synset or metrics file this project writes. */
    public static final long MAX_BYTES = 16L << 20;

    private TextFiles() {}

    /**
     * Reads a whole text file.
     *
     * @param file the file
     * @return its text
     * @throws IOException when it is missing, not a regular file, too large or not UTF-8
     */
    public static String read(Path file) throws IOException {
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString(), null, "not found");
        }
        if (!Files.isRegularFile(file)) {
            // Checked before opening: reading a FIFO blocks forever, /dev/zero never ends.
            throw new IOException(file + ": not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(String.format(Locale.ROOT, "%s: %,d bytes is too large for this text file (at most %,d)",
                    file, size, MAX_BYTES));
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
    }

    /**
     * Reads a text file's lines.
     *
     * @param file the file
     * @return its lines, without line terminators
     * @throws IOException when it is missing, not a regular file, too large or not UTF-8
     */
    public static List<String> readLines(Path file) throws IOException {
        return read(file).lines().toList();
    }
}
