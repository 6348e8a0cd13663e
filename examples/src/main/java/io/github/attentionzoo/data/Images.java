package io.github.attentionzoo.data;

import ai.djl.modality.cv.Image;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.ImageDecoder;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads image files for prediction with bounded memory: a large image is subsampled while it is
 * decoded (never held at full size), and grayscale, palette or alpha images become plain RGB.
 */
public final class Images {

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
                        && ImageDecoder.isImageName(f.getFileName().toString())).sorted().toList();
                if (images.isEmpty()) {
                    throw new NoSuchFileException(p.toString(), null, "directory holds no PNG, JPEG, BMP or GIF image");
                }
                files.addAll(images);
            }
        }
        return files;
    }

    /** The largest side an image header may declare ({@link ImageDecoder#MAX_SIDE}). */
    public static final int MAX_SIDE = ImageDecoder.MAX_SIDE;
    /** The most pixels an image header may declare ({@link ImageDecoder#MAX_PIXELS}). */
    public static final long MAX_PIXELS = ImageDecoder.MAX_PIXELS;

    private Images() {}

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
            return ImageDecoder.decode(in, maxSide);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Converts any image to 8-bit RGB, dropping alpha onto black and expanding gray.
     *
     * @param img the image
     * @return an RGB image
     */
    public static BufferedImage toRgb(BufferedImage img) {
        return ImageDecoder.toRgb(img);
    }
}
