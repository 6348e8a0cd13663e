package io.github.attentionzoo.spark;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes CIFAR-10 records (the official binary layout: a label byte, then 1,024 bytes each of the
 * red, green and blue planes of a 32×32 image) out as PNG files named {@code 00042_cat.png}. It
 * needs nothing but the JDK, so the benchmark script runs it as a source file:
 * {@code java CifarPngs.java test_batch.bin DIR [COUNT]}.
 */
public final class CifarPngs {

    static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    private static final int SIDE = 32;
    private static final int RECORD = 1 + 3 * SIDE * SIDE;

    private CifarPngs() {}

    /**
     * Writes the first {@code count} records of a CIFAR-10 binary file as PNG files.
     *
     * @param bin the binary file
     * @param dir the directory to write into (created)
     * @param count how many records, at most
     * @return the files, in record order
     * @throws IOException when the file cannot be read or a PNG written
     */
    public static List<Path> write(Path bin, Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        byte[] record = new byte[RECORD];
        try (InputStream in = Files.newInputStream(bin)) {
            for (int i = 0; i < count && in.readNBytes(record, 0, RECORD) == RECORD; i++) {
                BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
                for (int p = 0; p < SIDE * SIDE; p++) {
                    int r = record[1 + p] & 0xff;
                    int g = record[1 + SIDE * SIDE + p] & 0xff;
                    int b = record[1 + 2 * SIDE * SIDE + p] & 0xff;
                    image.setRGB(p % SIDE, p / SIDE, (r << 16) | (g << 8) | b);
                }
                Path file = dir.resolve(String.format(Locale.ROOT, "%05d_%s.png", i, CLASSES.get(record[0])));
                ImageIO.write(image, "png", file.toFile());
                files.add(file);
            }
        }
        return files;
    }

    /**
     * Command line: {@code BIN DIR [COUNT]}.
     *
     * @param args the arguments
     * @throws IOException when reading or writing fails
     */
    public static void main(String[] args) throws IOException {
        int count = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
        System.out.println(write(Path.of(args[0]), Path.of(args[1]), count).size() + " PNG files in " + args[1]);
    }
}
