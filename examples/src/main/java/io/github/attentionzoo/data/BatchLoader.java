package io.github.attentionzoo.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Cuts one pass over {@link CifarRecords} into DJL {@link Batch}es. A background thread shuffles,
 * augments and converts the next batches while the model works on the current one, so a batch
 * costs the training loop a single array copy into native memory.
 *
 * <p>The order and the augmentation depend only on the seed, so a pass can be replayed exactly
 * (which is what makes {@code --resume} reproduce an uninterrupted run).
 */
public final class BatchLoader implements Iterable<Batch> {

    private static final int PREFETCH = 3;

    private final CifarRecords records;
    private final NDManager manager;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Augmentation augmentation;
    private final long seed;

    /**
     * Creates a loader for one pass.
     *
     * @param records the images
     * @param manager the manager batches are created in
     * @param batchSize images per batch
     * @param shuffle whether to visit the images in a random order
     * @param dropLast whether to skip a last, smaller batch
     * @param augmentation what to do to each image
     * @param seed the seed of order and augmentation
     */
    public BatchLoader(
            CifarRecords records,
            NDManager manager,
            int batchSize,
            boolean shuffle,
            boolean dropLast,
            Augmentation augmentation,
            long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.records = records;
        this.manager = manager;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.augmentation = augmentation;
        this.seed = seed;
    }

    /**
     * Returns how many batches one pass yields.
     *
     * @return the number of batches
     */
    public int numBatches() {
        int n = records.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    private record Host(float[] data, float[] labels, int size) {}

    /** {@inheritDoc} */
    @Override
    public Iterator<Batch> iterator() {
        int n = records.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        if (shuffle) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int total = numBatches();
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                for (int b = 0; b < total; b++) {
                                    int from = b * batchSize;
                                    int size = Math.min(batchSize, n - from);
                                    float[] data = new float[size * CifarRecords.IMAGE_BYTES];
                                    float[] labels = new float[size];
                                    for (int i = 0; i < size; i++) {
                                        int idx = order[from + i];
                                        augmentation.apply(records.pixels(), idx * CifarRecords.IMAGE_BYTES,
                                                data, i * CifarRecords.IMAGE_BYTES, rng);
                                        labels[i] = records.label(idx);
                                    }
                                    queue.put(new Host(data, labels, size));
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                queue.offer(e);
                            }
                        },
                        "cifar-prefetch");
        producer.setDaemon(true);
        producer.start();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next < total) {
                    return true;
                }
                producer.interrupt();
                return false;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    producer.interrupt();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading data", e);
                }
                if (item instanceof RuntimeException) {
                    throw (RuntimeException) item;
                }
                Host host = (Host) item;
                NDManager batchManager = manager.newSubManager();
                NDArray x = batchManager.create(host.data(),
                        new Shape(host.size(), 3, CifarRecords.SIDE, CifarRecords.SIDE));
                NDArray y = batchManager.create(host.labels(), new Shape(host.size()));
                next++;
                return new Batch(batchManager, new NDList(x), new NDList(y), host.size(),
                        Batchifier.STACK, Batchifier.STACK, next, total);
            }
        };
    }
}
