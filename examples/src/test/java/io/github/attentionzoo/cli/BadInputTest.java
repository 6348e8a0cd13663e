package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static io.github.attentionzoo.cli.CliSupport.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.interop.Npy;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every bad input the issue lists, through the command line: a one-line error naming the problem,
 * no stack trace, a non-zero exit status (docs/reliability.md lists them).
 */
class BadInputTest {

    @TempDir static Path shared;
    static Path model;

    @BeforeAll
    static void importModel() {
        model = CliSupport.importedSeResNet20(shared);
    }

    private static Path cifarDir(Path dir, byte[] trainFile) throws Exception {
        Files.createDirectories(dir);
        for (String f : io.github.attentionzoo.data.CifarRecords.TRAIN_FILES) {
            Files.write(dir.resolve(f), trainFile);
        }
        Files.write(dir.resolve("test_batch.bin"), new byte[3073]);
        return dir;
    }

    @Test
    void badData(@TempDir Path dir) throws Exception {
        assertMentions(fails("train", "--model", "resnet20", "--data", dir.resolve("missing").toString()),
                "missing", "not found");
        assertMentions(fails("train", "--model", "resnet20", "--data", cifarDir(dir.resolve("t"), new byte[5000]).toString()),
                "data_batch_1.bin", "not a multiple of 3073");
        byte[] label = new byte[3073];
        label[0] = 10;
        assertMentions(fails("train", "--model", "resnet20", "--data", cifarDir(dir.resolve("l"), label).toString()),
                "label 10", "expected 0-9");
        Path emptyTest = Files.createDirectories(dir.resolve("e"));
        Files.write(emptyTest.resolve("test_batch.bin"), new byte[0]);
        assertMentions(fails("evaluate", "--model-dir", model.toString(), "--data", emptyTest.toString()),
                "test_batch.bin", "file is empty");
        Path tgz = dir.resolve("cifar-10-binary.tar.gz");
        Files.write(tgz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertMentions(fails("evaluate", "--model-dir", model.toString(), "--data", tgz.toString()), "corrupt archive");
    }

    @Test
    void badImagesAreRefusedOrConverted(@TempDir Path dir) throws Exception {
        Path corrupt = dir.resolve("corrupt.png");
        Files.write(corrupt, "\u0089PNG not really".getBytes());
        assertMentions(fails("predict", "--model-dir", model.toString(), corrupt.toString()), "corrupt.png");
        Path gray = dir.resolve("gray.png");
        ImageIO.write(new BufferedImage(20, 30, BufferedImage.TYPE_BYTE_GRAY), "png", gray.toFile());
        Path rgba = dir.resolve("rgba.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB), "png", rgba.toFile());
        Path huge = dir.resolve("huge.png");
        ImageIO.write(new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB), "png", huge.toFile());
        CliSupport.Result r = CliSupport.run("predict", "--model-dir", model.toString(), gray.toString(), rgba.toString(),
                huge.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(3, r.out().lines().filter(l -> l.endsWith(".png:")).count(), r.out());
    }

    @Test
    void badTensors(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path rank3 = dir.resolve("rank3.npy");
            Npy.write(manager.zeros(new Shape(3, 32, 32)), rank3);
            assertMentions(fails("infer", "--model-dir", model.toString(), "--input", rank3.toString(), "--output",
                    dir.resolve("o.npy").toString()), "rank-4", "(3, 32, 32)");
            Path channels = dir.resolve("channels.npy");
            Npy.write(manager.zeros(new Shape(1, 4, 32, 32)), channels);
            assertMentions(fails("infer", "--model-dir", model.toString(), "--input", channels.toString(), "--output",
                    dir.resolve("o.npy").toString()), "expected 3 input channels", "got 4");
            Path ints = dir.resolve("ints.npy");
            Npy.write(manager.zeros(new Shape(1, 3, 32, 32), DataType.INT32), ints);
            assertMentions(fails("infer", "--model-dir", model.toString(), "--input", ints.toString(), "--output",
                    dir.resolve("o.npy").toString()), "expected float32", "int32");
            Path nan = dir.resolve("nan.npy");
            NDArray x = manager.zeros(new Shape(1, 3, 32, 32));
            x.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
            Npy.write(x, nan);
            assertMentions(fails("infer", "--model-dir", model.toString(), "--input", nan.toString(), "--output",
                    dir.resolve("o.npy").toString()), "NaN or Inf");
        }
    }

    @Test
    void badModels(@TempDir Path dir) throws Exception {
        assertMentions(fails("summary", "--model", "se_resnet21"), "unknown model 'se_resnet21'", "se_resnet20");
        assertMentions(fails("predict", "--model", "se_resnet21", "x.png"), "unknown model 'se_resnet21'");
        Path noWeights = dir.resolve("noweights");
        CliSupport.copyDir(model, noWeights);
        Files.delete(noWeights.resolve("se_resnet20-0000.params"));
        assertMentions(fails("infer", "--model-dir", noWeights.toString(), "--input",
                TorchParityTest.FIXTURES.resolve("se_resnet20.input.npy").toString(), "--output",
                dir.resolve("o.npy").toString()), "missing weights file");
        Path truncated = dir.resolve("truncated");
        CliSupport.copyDir(model, truncated);
        Path params = truncated.resolve("se_resnet20-0000.params");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, Arrays.copyOf(bytes, bytes.length / 2));
        assertMentions(fails("infer", "--model-dir", truncated.toString(), "--input",
                TorchParityTest.FIXTURES.resolve("se_resnet20.input.npy").toString(), "--output",
                dir.resolve("o.npy").toString()), "se_resnet20-0000.params", "truncated");
        assertMentions(fails("infer", "--model-dir", dir.resolve("nowhere").toString(), "--input", "x.npy",
                "--output", "y.npy"), "not an attentionzoo model directory");
    }

    @Test
    void badArguments() {
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--epochs", "0"), "--epochs 0: out of range");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--batch-size", "-4"),
                "--batch-size -4: out of range");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--lr", "-0.1"),
                "--lr -0.1: out of range");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--threads", "0"),
                "--threads 0: out of range");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--schedule", "linear"),
                "unknown schedule 'linear'");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--limit", "100"),
                "100 training images make no full batch of 128");
        assertMentions(fails("train", "--model", "resnet20", "--epochz", "3"), "Unknown option", "--epochz");
        assertMentions(fails("frobnicate"), "Unmatched argument", "frobnicate");
    }
    @Test
    void emptyAndOddValuesNameTheirOption(@TempDir Path dir) throws Exception {
        Path x = TorchParityTest.FIXTURES.resolve("se_resnet20.input.npy");
        String[][] cases = {
            {"--model-dir", "evaluate", "--model-dir", "", "--data", "embedded"},
            {"--input", "infer", "--model-dir", model.toString(), "--input", "", "--output", dir.resolve("o.npy").toString()},
            {"--output", "infer", "--model-dir", model.toString(), "--input", x.toString(), "--output", ""},
            {"--output", "export-onnx", "--model-dir", model.toString(), "--output", ""},
            {"--output", "import-torch", "--model", "se_resnet20", "--state-dict", x.toString(), "--output", "",
                "--force"},
            {"--data", "train", "--model", "simple_cnn", "--data", "", "--output", dir.resolve("t").toString()},
            {"IMAGE", "predict", "--model-dir", model.toString(), ""},
        };
        for (String[] c : cases) {
            CliSupport.Result r = CliSupport.run(Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.status(), r.err());
            assertMentions(r.err().strip(), "error: " + c[0] + " '': empty");
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "nothing written");
        }

        // A file where a model directory goes is called that, not a directory missing its metadata.
        Path file = dir.resolve("model.params");
        Files.write(file, new byte[] {1, 2, 3});
        String err = fails("predict", "--model-dir", file.toString(), x.toString());
        assertMentions(err, file + ": is a regular file, not a model directory");
        assertFalse(err.contains("attentionzoo.json"), err);
    }
}
