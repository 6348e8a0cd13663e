package io.github.attentionzoo.spark;

import ai.djl.modality.cv.Image;
import io.github.attentionzoo.io.ImageDecoder;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;



/**
 * Decodes the bytes of one image file with the project's bounded decoder ({@link ImageDecoder}),
 * as the {@code predict} command reads a file. Messages name what is wrong but not the file: the
 * row that carries them names it.
 */
final class ImageBytes {

    private ImageBytes() {}

    /**
     * Decodes an image, subsampled so that its shorter side is about {@code maxSide} or more.
     *
     * @param bytes the file's content
     * @param maxSide the shortest side worth decoding
     * @return the RGB image
     * @throws IOException when the bytes are missing, empty, not an image, or corrupt
     */
    static Image decode(byte[] bytes, int maxSide) throws IOException {
        if (bytes == null) {
            throw new IOException("no content (a null value, or a file too large to read)");
        }
        if (bytes.length == 0) {
            throw new IOException("empty file");
        }
        // A memory-backed stream: ImageIO's default for a stream is a temporary file per image.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return ImageDecoder.decode(in, maxSide);
        }
    }
}
