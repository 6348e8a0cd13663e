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
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                // One intra-op thread: immune to OpenMP spin-waits when the machine is shared.
                "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), "io.github.attentionzoo.cli.Main",
                "soak", "--model", "se_resnet20", "--infer", "1500", "--train", "300", "--every", "100"))
                .redirectErrorStream(true).start();
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
        double inferGrowth = rss.get("infer1500") - rss.get("infer1000");
        double trainGrowth = rss.get("train300") - rss.get("train200");
        assertTrue(inferGrowth < 25, "inference memory grew " + inferGrowth + " MiB after warm-up:\n" + log);
        assertTrue(trainGrowth < 40, "training memory grew " + trainGrowth + " MiB after warm-up:\n" + log);
    }
}
