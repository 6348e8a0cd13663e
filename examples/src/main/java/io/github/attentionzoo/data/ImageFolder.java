package io.github.attentionzoo.data;

import io.github.attentionzoo.io.ImageDecoder;

import ai.djl.modality.cv.Image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A data set of class sub-folders ({@code DIR/cat/*.png}, {@code DIR/dog/*.jpg}, ...), decoded
 * once into the same in-memory layout as CIFAR-10 so the same loaders and augmentation apply.
 * With {@code train/} and {@code test/} (or {@code val/}) sub-directories those are the splits;
 * otherwise every fifth image of each class is held out for testing. Images in folders inside a
 * class folder belong to that class, as in torchvision's {@code ImageFolder}.
 *
 * @param train the training images
 * @param test the test images
 * @param classes the class names, in label order (sorted folder names)
 */
public record ImageFolder(CifarRecords train, CifarRecords test, List<String> classes) {

    private static final int MAX_CLASSES = 256;
    /** How deep inside a class folder images are looked for. */
    private static final int MAX_DEPTH = 32;

    /**
     * Whether a directory looks like an image folder rather than CIFAR-10 binary data.
     *
     * @param dir the directory
     * @return true when it has sub-directories and no CIFAR files
     */
    public static boolean looksLikeImageFolder(Path dir) {
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve("data_batch_1.bin"))
                || Files.exists(dir.resolve(CifarRecords.ARCHIVE))
                || Files.exists(dir.resolve("cifar-10-batches-bin"))) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Loads an image folder, resizing every image to {@code side}×{@code side}.
     *
     * @param dir the root directory
     * @param side the model's input side
     * @return the data
     * @throws IOException when the folder or an image cannot be read (naming it)
     */
    public static ImageFolder load(Path dir, int side) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "image folder not found");
        }
        Path trainDir = dir.resolve("train");
        Path testDir = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
        if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
            List<String> classes = classes(trainDir);
            return new ImageFolder(read(trainDir, classes, side, -1), read(testDir, classes, side, -1), classes);
        }
        List<String> classes = classes(dir);
        return new ImageFolder(read(dir, classes, side, 0), read(dir, classes, side, 1), classes);
    }

    private static List<String> classes(Path dir) throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (names.size() < 2) {
            throw new IOException(dir + ": an image folder needs at least 2 class sub-directories, found " + names.size());
        }
        if (names.size() > MAX_CLASSES) {
            throw new IOException(dir + ": " + names.size() + " classes, at most " + MAX_CLASSES + " supported");
        }
        List<String> bad = names.stream().filter(n -> !roundTrips(n)).map(ImageFolder::quoted).toList();
        if (!bad.isEmpty()) {
            // synset.txt holds one trimmed name per line: such a name would come back as another one
            // (or as two), and the trained model would then refuse to load.
            throw new IllegalArgumentException(dir + ": class folder name" + (bad.size() > 1 ? "s " : " ")
                    + String.join(", ", bad) + " start or end with a blank, or hold a line break or control"
                    + " character, which a model's class list cannot keep; rename "
                    + (bad.size() > 1 ? "them" : "it"));
        }
        return names;
    }

    /** Whether a class name is read back from synset.txt as itself. */
    private static boolean roundTrips(String name) {
        return !name.isEmpty() && name.strip().equals(name) && name.trim().equals(name)
                && name.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85);
    }

    /** A name in quotes with its invisible characters spelled out ('cat ', 'a\nb'). */
    private static String quoted(String name) {
        StringBuilder b = new StringBuilder("'");
        name.codePoints().forEach(c -> {
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('\'').toString();
    }

    /**
     * Loads every image of a class folder for scoring a model whose classes are {@code modelClasses}:
     * each folder's images are labelled with that class's index in the model.
     *
     * @param dir the folder ({@code DIR/<class>/*.png})
     * @param modelClasses the model's class names, in output order
     * @param side the model's input side
     * @return the images and labels
     * @throws IOException when an image cannot be read, naming it
     * @throws IllegalArgumentException naming the folders whose class the model lacks
     */
    public static CifarRecords forClasses(Path dir, List<String> modelClasses, int side) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "image folder not found");
        }
        List<String> folders = classes(dir);
        List<String> unknown = folders.stream().filter(c -> !modelClasses.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(dir + ": class folder" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " name no class of the model (its classes: "
                    + String.join(", ", modelClasses) + ")");
        }
        return read(dir, folders, modelClasses::indexOf, side, -1);
    }

    /**
     * The image files of a class folder and of the folders inside it, sorted by path, as
     * torchvision's {@code ImageFolder} takes them; a folder without images is refused.
     */
    private static List<Path> images(Path classDir) throws IOException {
        List<Path> files;
        // Links to directories are not followed, so a link to a parent cannot make the walk endless.
        try (Stream<Path> s = Files.walk(classDir, MAX_DEPTH)) {
            files = s.filter(p -> ImageDecoder.isImageName(p.getFileName().toString()) && !Files.isDirectory(p))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            // It would become a class no image teaches, and every answer could be that class.
            throw new IllegalArgumentException(classDir + ": class folder holds no PNG, JPEG, BMP or GIF images;"
                    + " add images or remove the folder");
        }
        return files;
    }

    private static CifarRecords read(Path dir, List<String> classes, int side, int part) throws IOException {
        return read(dir, classes, classes::indexOf, side, part);
    }

    /** Reads images; part -1 takes all, 0 the training part, 1 every fifth image. */
    private static CifarRecords read(Path dir, List<String> classes, java.util.function.ToIntFunction<String> label,
            int side, int part) throws IOException {
        if (side != CifarRecords.SIDE) {
            throw new IllegalArgumentException("image folders are decoded at " + CifarRecords.SIDE + " pixels, the model needs " + side);
        }
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String name : classes) {
            List<Path> files = images(dir.resolve(name));
            if (part >= 0 && files.size() < 2) {
                throw new IllegalArgumentException(dir.resolve(name) + ": " + files.size() + " image; at least 2 per"
                        + " class are needed to hold one out for testing (or give train/ and test/ folders)");
            }
            for (int i = 0; i < files.size(); i++) {
                // Every fifth image is held out; a class of 2 to 4 images gives its last one.
                boolean held = files.size() < 5 ? i == files.size() - 1 : i % 5 == 4;
                if (part == 0 && held || part == 1 && !held) {
                    continue;
                }
                images.add(planes(Images.read(files.get(i), 2 * side), side));
                labels.add(label.applyAsInt(name));
            }
        }
        byte[] pixels = new byte[images.size() * CifarRecords.IMAGE_BYTES];
        byte[] l = new byte[images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * CifarRecords.IMAGE_BYTES, CifarRecords.IMAGE_BYTES);
            l[i] = (byte) (int) labels.get(i);
        }
        return new CifarRecords(pixels, l);
    }

    /** Resizes to side×side and lays the pixels out as R, G, B planes. */
    private static byte[] planes(Image image, int side) {
        BufferedImage src = (BufferedImage) image.getWrappedImage();
        BufferedImage scaled = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, side, side, null);
        g.dispose();
        byte[] out = new byte[3 * side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = scaled.getRGB(x, y);
                int at = y * side + x;
                out[at] = (byte) (rgb >> 16);
                out[side * side + at] = (byte) (rgb >> 8);
                out[2 * side * side + at] = (byte) rgb;
            }
        }
        return out;
    }
}
