import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes an image folder (DIR/<class>/<n>.png) from CIFAR-10's binary test batch: the first
 * PER_CLASS images of each of the classes named, for the portability check's short fine-tuning.
 * Usage: java MakeImages.java TEST_BATCH.bin OUT_DIR PER_CLASS CLASS...
 */
public final class MakeImages {
    private static final String[] CIFAR = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
        "ship", "truck"};

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[1]);
        int perClass = Integer.parseInt(args[2]);
        java.util.Map<Integer, String> wanted = new java.util.HashMap<>();
        java.util.Map<Integer, Integer> written = new java.util.HashMap<>();
        for (int i = 3; i < args.length; i++) {
            wanted.put(java.util.Arrays.asList(CIFAR).indexOf(args[i]), args[i]);
        }
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            byte[] r;
            while ((r = in.readNBytes(3073)).length == 3073) {
                String name = wanted.get(r[0] & 0xff);
                int n = written.getOrDefault(r[0] & 0xff, 0);
                if (name == null || n >= perClass) {
                    continue;
                }
                BufferedImage b = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int p = 0; p < 1024; p++) {
                    b.setRGB(p % 32, p / 32, (r[1 + p] & 0xff) << 16 | (r[1025 + p] & 0xff) << 8 | r[2049 + p] & 0xff);
                }
                Path dir = Files.createDirectories(out.resolve(name));
                ImageIO.write(b, "png", dir.resolve(n + ".png").toFile());
                written.put(r[0] & 0xff, n + 1);
            }
        }
    }
}
