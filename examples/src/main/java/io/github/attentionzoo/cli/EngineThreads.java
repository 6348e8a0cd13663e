package io.github.attentionzoo.cli;

/**
 * libtorch's thread settings for the commands that compute, set from {@code --threads} before the
 * engine starts (the engine reads them once).
 */
final class EngineThreads {

    private EngineThreads() {}

    /**
     * Sets the intra-op thread count, and one inter-op thread unless the user chose otherwise: DJL's
     * default of two slowed ResNet-20 inference by about 30% on 2 cores.
     *
     * @param threads intra-op threads, or null for the engine's default (one per core)
     * @return the intra-op threads the engine will use
     * @throws IllegalArgumentException when {@code threads} is not positive
     */
    static int configure(Integer threads) {
        if (threads != null && threads <= 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        if (threads == null) {
            // Set, not left to libtorch: OpenMP counts the machine's cores, while the JVM's count follows
            // -XX:ActiveProcessorCount and container CPU limits as well as the affinity mask.
            int n = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
            return n;
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        return threads;
    }
}
