package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static io.github.attentionzoo.cli.CliSupport.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.interop.ActivationRanges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --precision int8} through the command line: calibration on training images, the int8
 * export and serving directory, evaluation of the result, and the refusals.
 */
class Int8CommandsTest {

    @TempDir static Path shared;
    static Path model;
    static Path cifar;

    @BeforeAll
    static void prepare() throws Exception {
        model = CliSupport.importedSeResNet20(shared);
        // The embedded sample's training file stands in for all five: calibration reads the training split.
        Path sample = Path.of("src/main/resources/cifar10-sample");
        cifar = Files.createDirectories(shared.resolve("cifar"));
        for (String f : CifarRecords.TRAIN_FILES) {
            Files.copy(sample.resolve("data_batch_1.bin"), cifar.resolve(f));
        }
        Files.copy(sample.resolve("test_batch.bin"), cifar.resolve(CifarRecords.TEST_FILE));
    }

    @Test
    void int8OffOnnxRuntimeAndUnknownPrecisionsAreRefused() {
        assertMentions(fails("evaluate", "--model-dir", model.toString(), "--precision", "int8", "--data", cifar.toString()),
                "--precision int8", "ONNX Runtime only", "--engine OnnxRuntime");
        assertMentions(fails("bench", "--model", "resnet20", "--mode", "infer", "--precision", "fp16"),
                "--precision fp16", "fp32 or int8");
        assertMentions(fails("export-onnx", "--model-dir", model.toString(), "--precision", "int8", "--output",
                shared.resolve("x.onnx").toString()), ActivationRanges.FILE, "--calibration-data");
        assertMentions(fails("export-onnx", "--model-dir", model.toString(), "--calibration-data", cifar.toString(),
                "--output", shared.resolve("y.onnx").toString()), "--calibration-data", "--precision int8");
        assertMentions(fails("export-onnx", "--model-dir", model.toString(), "--precision", "int8", "--calibration-data",
                cifar.toString(), "--calibration-images", "0", "--output", shared.resolve("z.onnx").toString()),
                "--calibration-images 0");
        assertFalse(Files.exists(shared.resolve("x.onnx")) || Files.exists(shared.resolve("z.onnx")));
    }

    @Test
    void calibratedInt8ModelIsWrittenServedAndEvaluated(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("se.onnx");
        CliSupport.Result export = CliSupport.run("export-onnx", "--model-dir", model.toString(), "--precision", "int8",
                "--calibration-data", cifar.toString(), "--calibration-images", "64", "--output", onnx.toString());
        assertEquals(0, export.status(), export.err());
        Path ranges = dir.resolve("se." + ActivationRanges.FILE);
        ActivationRanges read = ActivationRanges.read(ranges);
        assertEquals("minmax", read.method);
        assertEquals(64, read.images);
        assertTrue(read.tensors().contains("input") && read.tensors().size() > 20, read.tensors().toString());
        assertTrue(Files.size(onnx) < Files.size(model.resolve("se_resnet20-0000.params")) / 2,
                "int8 weights take a quarter of the float ones");

        // The same ranges give the same file: the shipped int8 models are rebuilt from theirs.
        Path served = dir.resolve("served");
        CliSupport.Result serving = CliSupport.run("export-serving", "--model-dir", model.toString(), "--engine",
                "OnnxRuntime", "--precision", "int8", "--calibration-data", cifar.toString(), "--calibration-images", "64",
                "--output", served.toString());
        assertEquals(0, serving.status(), serving.err());
        assertTrue(Files.readString(served.resolve("serving.properties")).contains("option.modelName=se_resnet20-int8"));
        assertEquals(Files.readString(ranges), Files.readString(served.resolve(ActivationRanges.FILE)));

        CliSupport.Result fp32 = CliSupport.run("evaluate", "--model-dir", model.toString(), "--engine", "OnnxRuntime",
                "--data", cifar.toString());
        CliSupport.Result int8 = CliSupport.run("evaluate", "--model-dir", served.toString(), "--engine", "OnnxRuntime",
                "--precision", "int8", "--data", cifar.toString());
        assertEquals(0, int8.status(), int8.err());
        assertTrue(int8.out().contains("in int8"), int8.out());
        double a = accuracy(fp32.out());
        double b = accuracy(int8.out());
        assertTrue(Math.abs(a - b) <= 0.03, "fp32 " + a + " against int8 " + b);

        // A directory with weights and ranges but no int8 file is quantized for the run, and left as it was.
        Path withRanges = dir.resolve("with-ranges");
        CliSupport.copyDir(model, withRanges);
        Files.copy(ranges, withRanges.resolve(ActivationRanges.FILE));
        CliSupport.Result again = CliSupport.run("evaluate", "--model-dir", withRanges.toString(), "--engine",
                "OnnxRuntime", "--precision", "int8", "--data", cifar.toString());
        assertEquals(0, again.status(), again.err());
        assertEquals(b, accuracy(again.out()));
        assertFalse(Files.exists(withRanges.resolve("se_resnet20-int8.onnx")));
        // A served directory has no weights to quantize from: said in one line.
        Files.delete(served.resolve("se_resnet20-int8.onnx"));
        assertMentions(fails("evaluate", "--model-dir", served.toString(), "--engine", "OnnxRuntime", "--precision",
                "int8", "--data", cifar.toString()), "se_resnet20-int8.onnx", "no weights");
    }

    private static double accuracy(String out) {
        Matcher m = Pattern.compile("(?m)^accuracy: ([0-9.]+)$").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
