package io.github.attentionzoo.io;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decodes image files with bounded memory, for every reader of images in the project (the
 * command line and Spark alike): the header's size is checked before any pixel is decoded, a
 * large image is subsampled while it is decoded (never held at full size), and grayscale,
 * palette or alpha images become plain RGB. Messages name what is wrong, not the file: callers
 * know how the file is named.
 */
public final class ImageDecoder {

    /** The largest side an image header may declare; PNG allows 2^31, no photograph comes near 2^15. */
    public static final int MAX_SIDE = 32_768;
    /** The most pixels an image header may declare (a 16k x 16k image). */
    public static final long MAX_PIXELS = 1L << 28;
    /** The most pixels decoded into memory (4 MiB of RGB ints is 16 MiB); larger images are subsampled. */
    public static final long MAX_DECODED = 1L << 22;

    private static final Pattern IMAGE_NAME = Pattern.compile("(?i).*\\.(png|jpe?g|bmp|gif)");

    private ImageDecoder() {}

    /**
     * Whether a file name is one of the image kinds read: PNG, JPEG, BMP or GIF, in any letter case.
     *
     * @param name a file name
     * @return true for an image file's name
     */
    public static boolean isImageName(String name) {
        return IMAGE_NAME.matcher(name).matches();
    }

    /**
     * The shortest side worth decoding for a model: the translator shrinks every image to the
     * model's input anyway, and four times its side keeps enough detail for that.
     *
     * @param inputSize the model's input side, e.g. 32
     * @return the side to decode at
     */
    public static int decodeSide(int inputSize) {
        return 4 * inputSize;
    }

    /**
     * Decodes the first image of a stream, subsampled so that its shorter side is about
     * {@code maxSide} or more, and never more than {@link #MAX_DECODED} pixels.
     *
     * @param in the image's bytes
     * @param maxSide the shortest side worth decoding
     * @return the RGB image
     * @throws IOException when the bytes are not an image, declare too many pixels, or are corrupt
     */
    public static Image decode(ImageInputStream in, int maxSide) throws IOException {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) {
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

    /** A header that declares more pixels than are read: passed on as it is, not as a corrupt image. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
