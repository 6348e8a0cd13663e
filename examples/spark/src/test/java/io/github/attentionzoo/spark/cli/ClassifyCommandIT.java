package io.github.attentionzoo.spark.cli;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.interop.OnnxExport;
import io.github.attentionzoo.spark.CifarPngs;
import io.github.attentionzoo.spark.SparkTestSupport;
import io.github.attentionzoo.spark.SparkTestSupport.Run;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classify command from its executable jar on embedded local mode: CSV, a quiet console, an unreadable file,
 * the note on an {@code .onnx} of the user's own.
 */
class ClassifyCommandIT {

    private static final int IMAGES = 24;

    private static Path dir;
    private static Path images;
    private static Map<String, Classifications> reference;

    @BeforeAll
    static void images() throws Exception {
        dir = SparkTestSupport.freshDir("spark-command-it");
        images = dir.resolve("images");
        List<Path> pngs = CifarPngs.write(SparkTestSupport.cifarSample(), images, IMAGES);
        reference = SparkTestSupport.reference(pngs);
        SparkTestSupport.writeGarbage(images.resolve("garbage.png"));
        Files.write(images.resolve("empty.png"), new byte[0]);
        Files.writeString(images.resolve("notes.txt"), "not an image");
    }

    private static List<String> classify(String... args) {
        List<String> command = new ArrayList<>(SparkTestSupport.java("-jar",
                SparkTestSupport.target().resolve("attentionzoo-spark.jar").toString(), "classify"));
        command.addAll(List.of(args));
        return command;
    }

    private static Run run(List<String> command) throws Exception {
        return SparkTestSupport.run(command, Map.of("OMP_WAIT_POLICY", "PASSIVE"), dir.resolve("logs"), 240);
    }

    @Test
    void writesCsvOnAQuietConsole() throws Exception {
        Path out = dir.resolve("out");
        Run run = run(classify("--model", SparkTestSupport.MODEL, "--input", images.toString(), "--output",
                out.toString(), "--format", "csv", "--progress", "0"));
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err().strip(), "the console stays free of Spark's and the engine's notices");
        assertTrue(run.out().matches("classified 26 images with se_resnet20 on OnnxRuntime into \\S+ \\(csv\\): 2 could"
                + " not be read as images; [0-9.]+ s, [0-9]+ images/s\\n"), run.out());
        assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
        Map<String, String[]> rows = new HashMap<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path part : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    if (!line.equals("path,class,probability,top5,error")) {
                        String[] cells = line.split(",", 5);
                        rows.put(cells[0].substring(cells[0].lastIndexOf('/') + 1), cells);
                    }
                }
            }
        }
        assertEquals(IMAGES + 2, rows.size(), rows.keySet().toString());
        for (Map.Entry<String, Classifications> ref : reference.entrySet()) {
            String[] cells = rows.get(ref.getKey());
            SparkTestSupport.assertMatches(ref.getValue(), ref.getKey(), cells[1], Double.parseDouble(cells[2]));
            assertTrue(cells[3].matches("([a-z]+:[01]\\.\\d{4};){4}[a-z]+:[01]\\.\\d{4}"), cells[3]);
            assertEquals("", cells[4]);
        }
        assertEquals("\"not a readable image (PNG, JPEG, BMP or GIF expected)\"", rows.get("garbage.png")[4]);
        assertEquals("", rows.get("empty.png")[1]);
        assertEquals("empty file", rows.get("empty.png")[4]);
    }

    @Test
    void anOnnxFileWithoutTheProjectsMetadataIsNotedOnceByTheDriver() throws Exception {
        // A user's own export: the shipped network written to ONNX with no metadata_props.
        Path shipped = PretrainedStore.install(SparkTestSupport.MODEL);
        Path own = Files.createDirectories(dir.resolve("own-export"));
        for (String file : new String[] {ModelDirectory.METADATA, ModelDirectory.SYNSET}) {
            if (Files.exists(shipped.resolve(file))) {
                Files.copy(shipped.resolve(file), own.resolve(file));
            }
        }
        Path onnx = own.resolve(SparkTestSupport.MODEL + ".onnx");
        try (Model model = ModelDirectory.open(shipped).load(ModelDirectory.PYTORCH, null)) {
            OnnxExport.write(model.getBlock(), new Shape(3, 32, 32), Map.of(), onnx);
        }
        Path out = dir.resolve("own-out");
        Run run = run(classify("--model-dir", own.toString(), "--input", images.toString(), "--output",
                out.toString(), "--progress", "0"));
        assertEquals(0, run.status(), run.err());
        // One line, from the driver, as predict says it; no executor repeats it.
        assertEquals("note: " + onnx + ": holds no attentionzoo metadata (an export of your own?), so whether it is "
                + SparkTestSupport.MODEL + " could not be checked; only its input and output shapes were",
                run.err().strip());
        assertTrue(run.out().startsWith("classified 26 images with " + own + " on OnnxRuntime"), run.out());
    }

    @Test
    void anUnreadableImageFailsTheJobInOneLineNamingIt() throws Exception {
        Path input = Files.createDirectories(dir.resolve("locked"));
        CifarPngs.write(SparkTestSupport.cifarSample(), input, 4);
        Path locked = Files.copy(images.resolve("00000_cat.png"), input.resolve("locked.png"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path out = dir.resolve("locked-out");
        List<String> command = classify("--model", SparkTestSupport.MODEL, "--input", input.toString(), "--output",
                out.toString());
        if ("root".equals(System.getProperty("user.name"))) {
            // Root reads any file; without these two capabilities it is held to the permission bits like anyone.
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv drops root's file access");
            command.addAll(0, List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"));
        }
        SparkTestSupport.assertOneLine(run(command), "error: " + locked + " (Permission denied)");
        assertFalse(Files.exists(out), "a failed job leaves no output behind");
    }
}
