package io.github.attentionzoo.spark.cli;

import ai.djl.modality.Classifications;
import io.github.attentionzoo.spark.CifarPngs;
import io.github.attentionzoo.spark.SparkTestSupport;
import io.github.attentionzoo.spark.SparkTestSupport.Run;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job jar, submitted with spark-submit to a real standalone cluster: one Master and two Workers,
 * separate JVMs from Spark's own classes on 127.0.0.1, one core each, and the model directory
 * shipped as an archive. One executor is killed (kill -9) mid-job, yet every image gets
 * exactly one row, with the class and probability of single-image prediction; corrupt files become
 * error rows; and local mode gives the same rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("full")
class StandaloneClusterIT {

    private static final int IMAGES = 1000;
    /** The images, twice more in subdirectories (hard links): enough work that the kill lands mid-job. */
    private static final int COPIES = 3;
    private static final List<String> COPY_DIRS = List.of("", "copy1/", "copy2/");
    private static final Pattern PROGRESS = Pattern.compile("progress: ([0-9,]+) of");

    private static Path dir;
    private static Path images;
    private static Map<String, Classifications> reference;
    private static Map<String, String> env;
    private static Process master;
    private static final List<Process> WORKERS = new ArrayList<>();
    private static final List<ProcessHandle> STARTED = new ArrayList<>();
    private static String masterUrl;
    private static SparkSession reader;
    private static Map<String, Row> clusterRows;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = SparkTestSupport.freshDir("spark-cluster-it");
        images = dir.resolve("images");
        List<Path> pngs = CifarPngs.write(SparkTestSupport.cifarSample(), images, IMAGES);
        SparkTestSupport.writeGarbage(images.resolve("garbage.png"));
        SparkTestSupport.writeTruncated(pngs.get(0), images.resolve("truncated.png"));
        Files.write(images.resolve("empty.png"), new byte[0]);
        for (String copy : COPY_DIRS.subList(1, COPY_DIRS.size())) {
            Path copyDir = Files.createDirectories(images.resolve(copy));
            for (Path png : pngs) {
                Files.createLink(copyDir.resolve(png.getFileName()), png);
            }
        }
        Path sparkHome = sparkHome(dir.resolve("spark-home"));
        env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_IP", "127.0.0.1", "OMP_WAIT_POLICY", "PASSIVE");
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        String classpath = sparkHome.resolve("jars") + File.separator + "*";
        master = start(dir.resolve("master.log"), "-cp", classpath, "-Dspark.master.rest.enabled=false",
                "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--webui-port", Integer.toString(freePort()));
        awaitPort(port, 120);
        for (int i = 1; i <= 2; i++) {
            WORKERS.add(start(dir.resolve("worker" + i + ".log"), "-cp", classpath,
                    "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "2g",
                    "--webui-port", Integer.toString(freePort()), "--work-dir", dir.resolve("work" + i).toString(),
                    masterUrl));
        }
        // The reference predictions run while the Workers register.
        reference = SparkTestSupport.reference(pngs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (countMatches(SparkTestSupport.read(dir.resolve("master.log")), "Registering worker 127.0.0.1") < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("workers did not register:\n" + SparkTestSupport.read(dir.resolve("master.log")));
            }
            Thread.sleep(200);
        }
        reader = SparkSession.builder().master("local[1]").appName("StandaloneClusterIT reader")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stopCluster() {
        if (reader != null) {
            reader.stop();
        }
        List<ProcessHandle> everything = new ArrayList<>(STARTED);
        STARTED.forEach(p -> everything.addAll(p.descendants().toList()));
        List<ProcessHandle> alive = new ArrayList<>();
        // Workers first: each ends its executors; then the Master.
        for (Process worker : WORKERS) {
            alive.addAll(SparkTestSupport.destroyTree(worker.toHandle()));
        }
        if (master != null) {
            alive.addAll(SparkTestSupport.destroyTree(master.toHandle()));
        }
        everything.stream().filter(ProcessHandle::isAlive).forEach(p -> {
            p.destroyForcibly();
            alive.add(p);
        });
        assertEquals(List.of(), alive.stream().map(ProcessHandle::pid).toList(), "no JVM of the cluster outlives it");
    }

    /** A Spark home as a Worker needs one: a RELEASE file and jars/ with (links to) Spark's jars. */
    private static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "");
        for (String list : List.of("spark-jars.txt", "spark-shared-jars.txt")) {
            for (String jar : SparkTestSupport.read(SparkTestSupport.target().resolve(list)).strip().split(File.pathSeparator)) {
                Path source = Path.of(jar);
                Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
            }
        }
        return home;
    }

    private static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        STARTED.add(process.toHandle());
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the master did not open port " + port);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int countMatches(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private static List<String> classify(Path output, String... extra) {
        List<String> command = new ArrayList<>(SparkTestSupport.java("-jar",
                SparkTestSupport.target().resolve("attentionzoo-spark.jar").toString(), "classify", "--model",
                SparkTestSupport.MODEL, "--input", images.toString(), "--output", output.toString(), "--conf",
                "spark.ui.enabled=false"));
        command.addAll(List.of(extra));
        return command;
    }

    /** Rows by their path below the input directory, failing on a path seen twice. */
    private static Map<String, Row> byPath(List<Row> rows) {
        String root = images.toUri().toString().replace("file:///", "file:/");
        Map<String, Row> map = new HashMap<>();
        for (Row row : rows) {
            String path = row.getAs("path");
            assertTrue(path.startsWith(root), path + " below " + root);
            if (map.put(path.substring(root.length()), row) != null) {
                throw new AssertionError("two rows for " + path);
            }
        }
        return map;
    }

    /** Every image of every copy has the class and, within tolerance, the probability of single-image prediction. */
    private static void assertImagesMatchReference(Map<String, Row> rows) {
        assertEquals(COPIES * IMAGES + 3, rows.size(), "one row per file, none lost, none twice");
        for (String copy : COPY_DIRS) {
            for (Map.Entry<String, Classifications> ref : reference.entrySet()) {
                Row row = rows.get(copy + ref.getKey());
                assertNotNull(row, "no row for " + copy + ref.getKey());
                assertNull(row.getAs("error"), copy + ref.getKey());
                SparkTestSupport.assertMatches(ref.getValue(), copy + ref.getKey(), row.getAs("class"),
                        row.getAs("probability"));
            }
        }
        assertEquals("not a readable image (PNG, JPEG, BMP or GIF expected)", rows.get("garbage.png").getAs("error"));
        assertTrue(rows.get("truncated.png").<String>getAs("error").startsWith("corrupt or unsupported image"));
        assertEquals("empty file", rows.get("empty.png").getAs("error"));
        for (String bad : List.of("garbage.png", "truncated.png", "empty.png")) {
            assertNull(rows.get(bad).getAs("class"));
        }
    }

    @Test
    @Order(1)
    void clusterRowsMatchSingleImagePredictionThoughAnExecutorIsKilled() throws Exception {
        // As on any cluster: spark-submit with the job jar, and the model directory shipped to the executors as
        // an archive that each unpacks into its working directory as model/.
        Path modelDir = io.github.attentionzoo.zoo.PretrainedStore.install(SparkTestSupport.MODEL);
        Path archive = dir.resolve("model.tar.gz");
        assertEquals(0, new ProcessBuilder("tar", "czf", archive.toString(), "-C", modelDir.toString(), ".")
                .inheritIO().start().waitFor());
        Path out = dir.resolve("out-cluster");
        Path stdout = dir.resolve("cluster.out");
        Path stderr = dir.resolve("cluster.err");
        List<String> submit = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", dir.resolve("spark-home/jars") + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit", "--master", masterUrl,
                "--class", "io.github.attentionzoo.spark.cli.Main", "--archives", archive + "#model",
                "--conf", "spark.ui.enabled=false",
                SparkTestSupport.target().resolve("attentionzoo-spark-job.jar").toString(),
                "classify", "--model-dir", "model", "--input", images.toString(), "--output", out.toString(),
                "--progress", "1"));
        ProcessBuilder builder = new ProcessBuilder(submit).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process driver = builder.start();
        STARTED.add(driver.toHandle());
        long doneAtKill;
        try {
            doneAtKill = awaitProgress(driver, stderr);
            // kill -9 of the first Worker's executor, found by its main class among the Worker's children.
            ProcessHandle executor = WORKERS.get(0).toHandle().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .findFirst().orElseThrow(() -> new AssertionError("no executor under the first Worker"));
            assertTrue(executor.destroyForcibly(), "kill -9 of executor " + executor.pid());
            assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "the job finishes after the kill");
        } finally {
            SparkTestSupport.destroyTree(driver.toHandle());
        }
        String err = SparkTestSupport.read(stderr);
        assertEquals(0, driver.exitValue(), err);
        String summary = SparkTestSupport.read(stdout);
        assertTrue(summary.startsWith("classified 3,003 images with model on PyTorch"), summary);
        assertTrue(doneAtKill < COPIES * IMAGES, "the kill landed before the end: " + doneAtKill);
        assertTrue(summary.matches("(?s).*failed task attempts? (was|were) run again.*") && err.contains("Spark runs it again"),
                "a task was running on the killed executor, and ran again:\n" + summary + err);
        assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
        clusterRows = byPath(reader.read().parquet(out.toString()).collectAsList());
        assertImagesMatchReference(clusterRows);
        // Both Workers ran executors: the job was spread over the cluster, not run in the driver.
        for (String work : List.of("work1", "work2")) {
            try (var apps = Files.list(dir.resolve(work))) {
                assertTrue(apps.findAny().isPresent(), work + " ran an executor");
            }
        }
    }

    @Test
    @Order(2)
    void localModeGivesTheSameRows() throws Exception {
        Path out = dir.resolve("out-local");
        // An earlier run's output, marked as classify marks its outputs, which --force replaces whole.
        Files.writeString(Files.createDirectories(out).resolve("part-00000-earlier.json"), "{\"path\": \"stale\"}\n");
        Files.writeString(out.resolve(Locations.MARKER), "an earlier run\n");
        Run run = SparkTestSupport.run(classify(out, "--format", "json", "--progress", "0", "--force"),
                Map.of("OMP_WAIT_POLICY", "PASSIVE"), dir.resolve("logs"), 300);
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.notExists(out.resolve("part-00000-earlier.json")), "--force replaced the output whole");
        Map<String, Row> local = byPath(reader.read().json(out.toString()).collectAsList());
        assertImagesMatchReference(local);
        assertNotNull(clusterRows, "the cluster run comes first");
        assertEquals(clusterRows.keySet(), local.keySet());
        for (Map.Entry<String, Row> e : clusterRows.entrySet()) {
            Row l = local.get(e.getKey());
            assertEquals(e.getValue().<String>getAs("class"), l.getAs("class"), e.getKey());
            assertEquals(e.getValue().<String>getAs("error"), l.getAs("error"), e.getKey());
        }
    }

    /** Waits for the first progress line that counts images, and returns that count. */
    private static long awaitProgress(Process driver, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            Matcher m = PROGRESS.matcher(SparkTestSupport.read(stderr));
            while (m.find()) {
                long done = Long.parseLong(m.group(1).replace(",", ""));
                if (done > 0) {
                    return done;
                }
            }
            if (!driver.isAlive()) {
                throw new AssertionError("the driver ended before any progress:\n" + SparkTestSupport.read(stderr));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no progress within 180 s:\n" + SparkTestSupport.read(stderr));
    }
}
