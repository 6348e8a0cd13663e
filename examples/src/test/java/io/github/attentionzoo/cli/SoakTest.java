package io.github.attentionzoo.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short version of examples/bench/long_run.sh, in a child JVM with a small heap so that heap
 * growth cannot pass for a leak: after warm-up, resident memory must stay flat.
 */
class SoakTest {

    @Test
    void residentMemoryStaysFlatAfterWarmUp() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                // One intra-op thread: immune to OpenMP spin-waits when the machine is shared.
                "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), "io.github.attentionzoo.cli.Main",
                "soak", "--model", "se_resnet20", "--infer", "2000", "--train", "400", "--every", "50"))
                .redirectErrorStream(true);
        // Fewer malloc arenas, as a server would run: arenas otherwise keep growing with threads.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = builder.start();
        Map<String, Double> rss = new HashMap<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
                if (line.matches("(infer|train) \\d+: [\\d.]+ MiB")) {
                    String[] parts = line.split("[: ]+");
                    rss.put(parts[0] + parts[1], Double.parseDouble(parts[2]));
                }
            }
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), log.toString());
        // Warm-up (allocator caches, the heap filling to its limit) ends within ~1,400 calls and
        // ~200 steps here; after that the level must hold.
        double inferGrowth = rss.get("infer2000") - rss.get("infer1500");
        double trainGrowth = rss.get("train400") - rss.get("train250");
        assertTrue(inferGrowth < 25, "inference memory grew " + inferGrowth + " MiB after warm-up:\n" + log);
        assertTrue(trainGrowth < 40, "training memory grew " + trainGrowth + " MiB after warm-up:\n" + log);
    }
}
