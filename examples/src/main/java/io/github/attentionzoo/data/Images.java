package io.github.attentionzoo.data;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import io.github.attentionzoo.io.AtomicFiles;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads image files for prediction with bounded memory: a large image is subsampled while it is
 * decoded (never held at full size), and grayscale, palette or alpha images become plain RGB.
 */
public final class Images {

    /** The file names an image folder's images have. */
    private static final java.util.regex.Pattern IMAGE_NAME =
            java.util.regex.Pattern.compile("(?i).*\\.(png|jpe?g|bmp|gif)");

    /**
     * Expands the paths a user named: a directory stands for the images directly in it, sorted.
     *
     * @param paths files and directories
     * @return the image files
     * @throws IOException when a directory cannot be listed, or holds no image (naming it)
     */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                files.add(p);
                continue;
            }
            try (java.util.stream.Stream<Path> s = Files.list(p)) {
                List<Path> images = s.filter(f -> Files.isRegularFile(f)
                        && IMAGE_NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
                if (images.isEmpty()) {
                    throw new NoSuchFileException(p.toString(), null, "directory holds no PNG, JPEG, BMP or GIF image");
                }
                files.addAll(images);
            }
        }
        return files;
    }

    /** The largest side an image header may declare; PNG allows 2^31, no photograph comes near 2^15. */
    public static final int MAX_SIDE = 32_768;
    /** The most pixels an image header may declare (a 16k x 16k image). */
    public static final long MAX_PIXELS = 1L << 28;
    /** The most pixels decoded into memory (4 MiB of RGB ints is 16 MiB); larger images are subsampled. */
    static final long MAX_DECODED = 1L << 22;

    private Images() {}

    /** An image whose header declares more pixels than are read; its message names the file. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /**
     * Reads an image, subsampled so that neither side much exceeds {@code maxSide}.
     *
     * @param file the PNG, JPEG, BMP or GIF file
     * @param maxSide the largest side worth decoding
     * @return the RGB image
     * @throws IOException when the file is missing, not an image, or corrupt (naming the file)
     */
    public static Image read(Path file, int maxSide) throws IOException {
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new FileSystemException(file.toString(), null, "is " + AtomicFiles.kind(file) + ", not an image file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException(file + ": not a readable image (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                // The header's size, checked before any pixel is decoded: a few bytes can declare gigapixels.
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new TooLarge(String.format(Locale.ROOT,
                            "%s: declares %d x %d pixels; at most %d per side and %,d in all are read", file, w, h,
                            MAX_SIDE, MAX_PIXELS));
                }
                // Subsample to about maxSide on the short side, and never decode more than MAX_DECODED pixels.
                int step = Math.max(1, Math.min(w, h) / Math.max(1, maxSide));
                step = Math.max(step, (int) Math.ceil(Math.sqrt((double) w * h / MAX_DECODED)));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                return ImageFactory.getInstance().fromImage(toRgb(decoded));
            } catch (TooLarge e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": corrupt or unsupported image (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Converts any image to 8-bit RGB, dropping alpha onto black and expanding gray.
     *
     * @param img the image
     * @return an RGB image
     */
    public static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return rgb;
    }
}
