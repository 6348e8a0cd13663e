package io.github.attentionzoo.spark;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes the bytes of one image file with bounded memory, as the {@code predict} command reads a
 * file: the header's size is checked before any pixel is decoded, a large image is subsampled
 * while it is decoded, and grayscale, palette or alpha images become plain RGB. Messages name what
 * is wrong but not the file: the row that carries them names it.
 */
final class ImageBytes {

    /** The largest side a header may declare; no photograph comes near it. */
    static final int MAX_SIDE = 32_768;
    /** The most pixels a header may declare (a 16k × 16k image). */
    static final long MAX_PIXELS = 1L << 28;
    /** The most pixels decoded into memory; larger images are subsampled while they are read. */
    static final long MAX_DECODED = 1L << 22;

    private ImageBytes() {}

    /**
     * Decodes an image, subsampled so that its shorter side is about {@code maxSide} or more.
     *
     * @param bytes the file's content
     * @param maxSide the shortest side worth decoding
     * @return the RGB image
     * @throws IOException when the bytes are empty, not an image, or corrupt
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
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a readable image (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                // A few header bytes can declare gigapixels: refuse before allocating anything of that size.
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new TooLarge(String.format(Locale.ROOT,
                            "declares %d x %d pixels; at most %d per side and %,d in all are read", w, h, MAX_SIDE,
                            MAX_PIXELS));
                }
                int step = Math.max(1, Math.min(w, h) / Math.max(1, maxSide));
                step = Math.max(step, (int) Math.ceil(Math.sqrt((double) w * h / MAX_DECODED)));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                return ImageFactory.getInstance().fromImage(toRgb(reader.read(0, param)));
            } catch (TooLarge e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new IOException("corrupt or unsupported image (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return rgb;
    }

    /** A header that declares more pixels than are read. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
