package io.github.attentionzoo.spark.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Spark settings the command starts its session with: the user's own ({@code --conf},
 * {@code spark-submit}, {@code spark-defaults.conf}) always win; the command only fills in what
 * they leave open.
 */
final class Sessions {

    /** The jar that carries the zoo, DJL and the engine natives to the executors, beside the command's jar. */
    static final String JOB_JAR = "attentionzoo-spark-job.jar";
    /** What Spark counts for opening a file when it packs files into tasks (its default is 4 MiB). */
    static final long OPEN_COST = 1L << 20;
    /** How long the master check waits for a connection. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private Sessions() {}

    /** A master's host and port. */
    record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * Returns the settings for a session.
     *
     * @param master the master URL, or null for spark-submit's or else local mode with every core
     * @param user the user's {@code --conf} settings
     * @return the settings to pass to the session builder
     */
    static Map<String, String> settings(String master, Map<String, String> user) {
        Map<String, String> settings = new LinkedHashMap<>(user);
        String effective = master != null ? master : configured("spark.master", user);
        if (effective == null) {
            effective = "local[*]";
            settings.put("spark.master", effective);
        } else if (master != null) {
            settings.put("spark.master", master);
        }
        boolean local = isEmbedded(effective);
        // Embedded local mode, and a master on this machine, need no other address than loopback; a real
        // cluster's executors must reach the driver, so there Spark's own choice stands.
        if ((local || effective.startsWith("local-cluster") || loopbackOnly(effective)) && System.getenv("SPARK_LOCAL_IP") == null) {
            setDefault(settings, user, "spark.driver.host", "127.0.0.1");
            setDefault(settings, user, "spark.driver.bindAddress", "127.0.0.1");
        }
        if (local) {
            setDefault(settings, user, "spark.ui.enabled", "false");
        } else if (master != null && System.getProperty("SPARK_SUBMIT") == null
                && configured("spark.jars", user) == null) {
            // Run as java -jar against a cluster: ship the job jar. Under spark-submit (or a YARN application
            // master, which has no --master of ours) spark-submit ships its primary jar itself.
            Path jar = jobJar();
            if (jar == null) {
                throw new IllegalArgumentException("--master " + effective + ": the executors need " + JOB_JAR
                        + ", which is not beside this command's jar (mvn package builds it in examples/spark/target);"
                        + " or name it with --conf spark.jars=...");
            }
            settings.put("spark.jars", jar.toString());
        }
        // The engine natives and the zoo's weights travel in the job jar: executors never need the network.
        String options = configured("spark.executor.extraJavaOptions", user);
        if (options == null || !options.contains("ai.djl.offline")) {
            String offline = "-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true");
            settings.put("spark.executor.extraJavaOptions", options == null ? offline : options + " " + offline);
        }
        // Spark counts every file as 4 MiB when it packs files into tasks, which gives 32 small images a task: a
        // Parquet file opened and committed for every 32 images. At 1 MiB a task holds about 128 of them
        // (docs/scale.md measured both); files of a few MiB each are packed much as before.
        setDefault(settings, user, "spark.sql.files.openCostInBytes", Long.toString(OPEN_COST));
        // OpenMP workers that sleep rather than spin: a spinning worker takes a core from a neighbouring task.
        setDefault(settings, user, "spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        return settings;
    }

    /**
     * Returns how many attempts Spark gives a task under these settings.
     *
     * @param settings the session's settings
     * @return {@code spark.task.maxFailures}, or local mode's own count
     */
    static int maxFailures(Map<String, String> settings) {
        String master = settings.getOrDefault("spark.master", System.getProperty("spark.master", "local[*]"));
        if (isEmbedded(master)) {
            // local[N] gives one attempt, local[N, F] gives F.
            String[] parts = master.replaceAll("[^0-9*,]", "").split(",");
            return parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1;
        }
        String configured = settings.getOrDefault("spark.task.maxFailures", System.getProperty("spark.task.maxFailures"));
        return configured == null ? 4 : Integer.parseInt(configured.trim());
    }

    /** The master URLs Spark's own cluster managers take. */
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local|local\\[(\\*|[1-9]\\d*)(,\\s*[1-9]\\d*)?]|local-cluster\\[\\d+,\\s*\\d+,\\s*\\d+]"
                    + "|spark://\\S+|yarn|k8s://\\S+");

    /**
     * Refuses a master URL that no cluster manager of Spark's takes, before Spark starts and logs its
     * own errors about it.
     *
     * @param master the URL
     * @throws IllegalArgumentException naming the URL and the forms it may take
     */
    static void checkMaster(String master) {
        if (!MASTER.matcher(master.trim()).matches()) {
            throw new IllegalArgumentException("--master " + master + ": not a Spark master URL; give local[N],"
                    + " spark://HOST:PORT, yarn or k8s://HOST:PORT");
        }
    }

    /**
     * Refuses a standalone master URL when none of its masters accepts a TCP connection, so the
     * user hears in seconds what Spark would report after a minute of retries.
     *
     * @param master the master URL, or null
     * @throws IllegalArgumentException naming the URL and why no master answers
     */
    static void checkReachable(String master) {
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (Address address : addresses(master)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException e) {
                failures.add(address + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        throw new IllegalArgumentException("--master " + master + ": no Spark master answers at "
                + String.join(", ", failures));
    }

    /**
     * Parses a standalone master URL, with high-availability lists ({@code spark://h1:7077,h2:7077}).
     *
     * @param master the URL
     * @return the masters' addresses
     * @throws IllegalArgumentException when it is not a {@code spark://host:port} URL
     */
    static List<Address> addresses(String master) {
        List<Address> addresses = new ArrayList<>();
        for (String part : master.substring("spark://".length()).split(",")) {
            try {
                java.net.URI uri = new java.net.URI("spark://" + part.trim());
                if (uri.getHost() == null) {
                    throw new URISyntaxException(part, "no host");
                }
                addresses.add(new Address(uri.getHost(), uri.getPort() == -1 ? 7077 : uri.getPort()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--master " + master + ": not a spark://HOST:PORT URL", e);
            }
        }
        return addresses;
    }

    /**
     * Whether a master URL runs the tasks inside the driver's JVM.
     *
     * @param master the URL
     * @return true for {@code local} and {@code local[...]}
     */
    static boolean isEmbedded(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    private static boolean loopbackOnly(String master) {
        if (!master.startsWith("spark://")) {
            return false;
        }
        // Judged from the text: looking the names up would send a query to the network for a remote master.
        return addresses(master).stream().map(a -> a.host().toLowerCase(Locale.ROOT))
                .allMatch(h -> h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"));
    }

    /** The job jar beside the jar this class was loaded from, or null (run from a classes folder, or no such jar). */
    private static Path jobJar() {
        try {
            Path self = Path.of(Sessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                return null;
            }
            if (self.getFileName().toString().equals(JOB_JAR)) {
                return self;
            }
            Path jar = self.resolveSibling(JOB_JAR);
            return Files.isRegularFile(jar) ? jar.toAbsolutePath() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String configured(String key, Map<String, String> user) {
        return user.containsKey(key) ? user.get(key) : System.getProperty(key);
    }

    private static void setDefault(Map<String, String> settings, Map<String, String> user, String key, String value) {
        if (configured(key, user) == null) {
            settings.put(key, value);
        }
    }
}
