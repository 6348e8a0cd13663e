package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.cli.Launcher;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command's Spark settings, master checks and error lines, without starting Spark. */
class SparkSessionsTest {

    @Test
    void localModeUsesEveryCoreOnLoopback() {
        Map<String, String> s = Sessions.settings(null, Map.of());
        assertEquals("local[*]", s.get("spark.master"));
        assertEquals("127.0.0.1", s.get("spark.driver.host"));
        assertEquals("127.0.0.1", s.get("spark.driver.bindAddress"));
        assertEquals("-Dai.djl.offline=true", s.get("spark.executor.extraJavaOptions"));
        assertEquals("PASSIVE", s.get("spark.executorEnv.OMP_WAIT_POLICY"));
        assertNull(s.get("spark.jars"), "local mode ships no jar");
        assertEquals("1048576", s.get("spark.sql.files.openCostInBytes"));
        assertEquals(1, Sessions.maxFailures(s));
    }

    @Test
    void theUsersSettingsWin() {
        Map<String, String> s = Sessions.settings("local[3, 2]", Map.of("spark.driver.host", "10.1.2.3",
                "spark.executor.extraJavaOptions", "-Dfoo=1", "spark.ui.enabled", "true"));
        assertEquals("10.1.2.3", s.get("spark.driver.host"));
        assertEquals("true", s.get("spark.ui.enabled"));
        assertEquals("-Dfoo=1 -Dai.djl.offline=true", s.get("spark.executor.extraJavaOptions"));
        assertEquals(2, Sessions.maxFailures(s));
    }

    @Test
    void aClusterNeedsTheJobJarAndARemoteOneKeepsSparksAddress() {
        // Run from target/classes there is no job jar beside this code: the command says so before Spark starts.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sessions.settings("spark://127.0.0.1:7077", Map.of()));
        assertTrue(e.getMessage().startsWith("--master spark://127.0.0.1:7077: the executors need attentionzoo-spark-job.jar"),
                e.getMessage());
        Map<String, String> s = Sessions.settings("spark://cluster.example:7077", Map.of("spark.jars", "/x/job.jar"));
        assertEquals("/x/job.jar", s.get("spark.jars"));
        assertFalse(s.containsKey("spark.driver.host"), "the executors of a remote cluster must reach the driver");
        assertEquals(4, Sessions.maxFailures(s));
        assertTrue(Sessions.settings("spark://localhost:7077", Map.of("spark.jars", "j")).containsKey("spark.driver.host"));
    }

    @Test
    void masterUrlsParseWithHighAvailabilityLists() {
        assertEquals(List.of(new Sessions.Address("a", 7077), new Sessions.Address("b", 7078)),
                Sessions.addresses("spark://a,b:7078"));
        assertThrows(IllegalArgumentException.class, () -> Sessions.addresses("spark://"));
    }

    @Test
    void aMasterNobodyAnswersIsOneLineWithinSeconds() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sessions.checkReachable(master));
        assertTrue((System.nanoTime() - start) / 1e9 < 10);
        assertTrue(e.getMessage().startsWith("--master " + master + ": no Spark master answers at 127.0.0.1:" + port),
                e.getMessage());
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Sessions.checkReachable("spark://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void sparkFailuresBecomeTheTasksOwnLine() {
        FileNotFoundException cause = new FileNotFoundException("/data/x.png (Permission denied)");
        SparkException job = new SparkException("Job aborted due to stage failure: Task 0 in stage 0.0 failed 4"
                + " times, most recent failure: Lost task 0.3 in stage 0.0 (TID 3) (127.0.0.1 executor 1):"
                + " java.io.FileNotFoundException: /data/x.png (Permission denied)\n\tat java.io.FileInputStream.open0",
                cause);
        Exception writer = new SparkException("[TASK_WRITE_FAILED] Task failed while writing rows", job);
        assertEquals("/data/x.png (Permission denied)", Launcher.describe(writer));
        // Without the task's exception (not deserializable on the driver), its text in the job's message.
        assertEquals("/data/x.png (Permission denied)", Launcher.describe(new SparkException(job.getMessage())));
        assertEquals("cannot load the model", Launcher.describe(new SparkException("Job aborted",
                new IllegalStateException("cannot load the model", new RuntimeException("inner")))));
    }
}
