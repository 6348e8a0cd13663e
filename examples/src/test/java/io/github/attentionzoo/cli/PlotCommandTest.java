package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.train.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code plot} redraws curves from a metrics.csv, also one whose run did not record every figure. */
class PlotCommandTest {

    @Test
    void drawsCurvesFromACsvWithAnUnrecordedColumn(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, EpochMetrics.HEADER + "\n"
                + "1,1.60000,0.40000,NaN,0.45000,0.1,9000.0,5.5\n"
                + "2,1.10000,0.60000,NaN,0.58000,0.05,9100.0,5.4\n");
        assertEquals(2, EpochMetrics.read(csv).size());
        assertTrue(Double.isNaN(EpochMetrics.read(csv).get(0).testLoss()));
        CliSupport.Result r = CliSupport.run("plot", "--metrics", csv.toString(), "--title", "resnet20");
        assertEquals(0, r.status(), r.err());
        Path png = dir.resolve("curves.png");
        assertTrue(Files.size(png) > 1000, "a PNG was written");
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
    }

    @Test
    void aForeignCsvIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "epoch,lr\n1,0.1\n");
        CliSupport.Result r = CliSupport.run("plot", "--metrics", csv.toString());
        assertTrue(r.status() != 0);
        assertTrue(r.err().contains("other.csv") && r.err().contains("header"), r.err());
        assertFalse(Files.exists(dir.resolve("curves.png")));

        Files.writeString(csv, EpochMetrics.HEADER + "\n1,0.5,0.8\n");
        r = CliSupport.run("plot", "--metrics", csv.toString());
        assertTrue(r.err().contains("line 2"), r.err());
    }
}
