package io.github.attentionzoo.data;

import ai.djl.basicdataset.cv.classification.Cifar10;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.TranslateException;
import ai.djl.util.Utils;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where CIFAR-10 comes from: a directory or archive given with {@code --data}, the word {@code
 * embedded} for the sample in the jar, or — when nothing is given — DJL's own CIFAR-10 download
 * for a machine that is online, and the embedded sample for one that is offline
 * ({@code -Dai.djl.offline=true}).
 *
 * @param train the training images
 * @param test the test images
 * @param description what was loaded, for logs and metadata
 */
public record CifarSource(CifarRecords train, CifarRecords test, String description) {

    /** The {@code --data} value that selects the embedded sample. */
    public static final String EMBEDDED = "embedded";

    /**
     * Resolves a {@code --data} value to both splits.
     *
     * @param data a directory, an archive, {@value #EMBEDDED}, or null
     * @return the data
     * @throws IOException when the files cannot be read
     */
    public static CifarSource resolve(String data) throws IOException {
        return new CifarSource(split(data, true), split(data, false), describe(data));
    }

    /**
     * Resolves a {@code --data} value to one split, so that commands which only test (evaluate,
     * explain) neither read nor need the 50,000 training images.
     *
     * @param data a directory, an archive, {@value #EMBEDDED}, or null
     * @param train true for the training images, false for the test images
     * @return the images of that split
     * @throws IOException when the files cannot be read
     */
    public static CifarRecords split(String data, boolean train) throws IOException {
        if (downloads(data)) {
            return fromDjl(train ? Dataset.Usage.TRAIN : Dataset.Usage.TEST);
        }
        if (isEmbedded(data)) {
            return CifarRecords.embedded(train);
        }
        return CifarRecords.load(Path.of(data), train);
    }

    /**
     * Says where a {@code --data} value's images come from, for logs and metadata.
     *
     * @param data a directory, an archive, {@value #EMBEDDED}, or null
     * @return the description
     */
    public static String describe(String data) {
        if (downloads(data)) {
            return "CIFAR-10 (DJL download)";
        }
        if (isEmbedded(data)) {
            return "embedded CIFAR-10 sample";
        }
        return "CIFAR-10 from " + Path.of(data);
    }

    private static boolean downloads(String data) {
        return data == null && !Utils.isOfflineMode();
    }

    // Checked after downloads(): no --data means the embedded sample only when offline.
    private static boolean isEmbedded(String data) {
        return data == null || data.equals(EMBEDDED);
    }

    /** Where a user gets the official files that {@code --data} reads. */
    public static final String OFFICIAL = "the CIFAR-10 binary version (cifar-10-binary.tar.gz) from"
            + " https://www.cs.toronto.edu/~kriz/cifar.html";

    private static CifarRecords fromDjl(Dataset.Usage usage) throws IOException {
        Cifar10 set = Cifar10.builder().optUsage(usage).setSampling(1, false).build();
        // Said before anything is fetched: a user on a slow or closed network should know what and why.
        System.err.println("note: no --data given, so CIFAR-10 comes through DJL's dataset download (about 170 MB,"
                + " once, into DJL's cache); for a local copy pass --data DIR with " + OFFICIAL
                + ", or --data embedded for the 1,000-image sample in the jar");
        try {
            set.prepare();
        } catch (TranslateException | IOException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IOException("could not download CIFAR-10 through DJL (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse(""))
                    + "); pass --data DIR with " + OFFICIAL + ", or --data embedded", e);
        }
        int n = (int) set.size();
        byte[] pixels = new byte[n * CifarRecords.IMAGE_BYTES];
        byte[] labels = new byte[n];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int i = 0; i < n; i++) {
                try (NDManager sub = manager.newSubManager()) {
                    Record r = set.get(sub, i);
                    // DJL keeps images as HWC; the binary layout is CHW planes.
                    NDArray chw = r.getData().head().transpose(2, 0, 1).toType(DataType.UINT8, false);
                    System.arraycopy(chw.toByteArray(), 0, pixels, i * CifarRecords.IMAGE_BYTES, CifarRecords.IMAGE_BYTES);
                    labels[i] = (byte) r.getLabels().head().getFloat();
                }
            }
        }
        return new CifarRecords(pixels, labels);
    }
}
