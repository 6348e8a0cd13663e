package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import io.github.attentionzoo.interop.Npy;
import io.github.attentionzoo.interop.TorchStateDict;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Inputs that lie about their size, values that would be misread, and files that would hang or
 * crash a naive reader: each is refused, before anything of the declared size is allocated, with
 * one line naming the file or option, or (byte order) read correctly.
 */
class HostileInputTest extends ImportedModelTest {



    /** A .npy file: the header as NumPy writes it, then the given data bytes. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** A PNG whose header declares width x height but holds a 1x1 image's data (the CRC is right). */
    static byte[] lyingPng(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
        byte[] png = out.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    /** Runs the CLI in a child JVM with a small heap, as a user's process would meet a hostile file. */
    static List<String> childJvm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:MaxDirectMemorySize=64m", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), "io.github.attentionzoo.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = CliSupport.childProcess(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = CliSupport.ownLines(text).lines().filter(l -> !l.contains("Warning:")).toList();
        assertNotEquals(0, p.exitValue(), text);
        return lines;
    }

    @Test
    void sizesAreCheckedBeforeAnythingIsAllocated(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("wide.png");
        Files.write(png, lyingPng(2_000_000, 1));
        List<String> lines = childJvm("predict", "--model-dir", model.toString(), png.toString());
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertMentions(lines.get(0), "wide.png", "declares 2000000 x 1 pixels");

        Path lyingNpy = dir.resolve("lying.npy");
        Files.write(lyingNpy, npy("<f4", "1, 3, 4096, 4096", new byte[64]));
        lines = childJvm("infer", "--model-dir", model.toString(), "--input", lyingNpy.toString(), "--output",
                dir.resolve("y.npy").toString());
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertMentions(lines.get(0), "lying.npy", "declares <f4 [1, 3, 4096, 4096]", "64 bytes follow");

        Path tooBig = dir.resolve("big.npy");
        Files.write(tooBig, npy("<f4", "1, 3, 1025, 1024", new byte[4 * 3 * 1025 * 1024]));
        assertMentions(fails("infer", "--model-dir", model.toString(), "--input", tooBig.toString(), "--output",
                dir.resolve("y.npy").toString()), "big.npy", "(1, 3, 1025, 1024)", "1,049,600 pixel positions", "split it");

        Path npz = dir.resolve("lying.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new ZipEntry("conv1.weight.npy"));
            zip.write(npy("<f4", "1000000, 1000000", new byte[16]));
        }
        assertMentions(fails("import-torch", "--model", "simple_cnn", "--state-dict", npz.toString(), "--output",
                dir.resolve("m").toString()), "lying.npz!conv1.weight.npy", "declares <f4 [1000000, 1000000]");

        Path safetensors = dir.resolve("lying.safetensors");
        Files.write(safetensors, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertMentions(fails("import-torch", "--model", "simple_cnn", "--state-dict", safetensors.toString(),
                "--output", dir.resolve("m").toString()), "lying.safetensors", "its header would be");

        Path tgz = dir.resolve("cifar-10-binary.tar.gz");
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            byte[] header = new byte[512];
            byte[] name = "cifar-10-batches-bin/test_batch.bin".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, header, 0, name.length);
            byte[] size = String.format("%011o", 4L << 30).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(size, 0, header, 124, size.length);
            header[156] = '0';
            gz.write(header);
            gz.write(new byte[512]);
        }
        assertMentions(fails("evaluate", "--model-dir", model.toString(), "--data", tgz.toString()),
                "test_batch.bin", "too large for a CIFAR-10 binary file");

        Path sparse = Files.createDirectories(dir.resolve("sparse"));
        try (RandomAccessFile f = new RandomAccessFile(sparse.resolve("test_batch.bin").toFile(), "rw")) {
            f.setLength(30L << 30);
        }
        assertMentions(fails("evaluate", "--model-dir", model.toString(), "--data", sparse.toString()),
                "test_batch.bin", "too large for a CIFAR-10 binary file");
    }

    @Test
    void anImpossibleNpySizeIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        // The product overflows a long: no file could hold it.
        Path huge = dir.resolve("overflow.npy");
        Files.write(huge, npy("<f8", "4294967296, 4294967296, 2", new byte[8]));
        assertMentions(fails("infer", "--model-dir", model.toString(), "--input", huge.toString(), "--output",
                dir.resolve("y.npy").toString()), huge + ": the .npy header declares <f8 [4294967296, 4294967296, 2]");
        Path npz = dir.resolve("overflow.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new ZipEntry("fc.weight.npy"));
            zip.write(npy("<f4", "9223372036854775807, 3", new byte[4]));
        }
        assertMentions(fails("import-torch", "--model", "simple_cnn", "--state-dict", npz.toString(), "--output",
                dir.resolve("m").toString()), npz + "!fc.weight.npy: the .npy header declares");
        // An item size no dtype has is no header at all.
        Path wide = dir.resolve("wide-item.npy");
        Files.write(wide, npy("<f99999999999", "1, 3, 32, 32", new byte[0]));
        assertMentions(fails("infer", "--model-dir", model.toString(), "--input", wide.toString(), "--output",
                dir.resolve("y.npy").toString()), wide + ": malformed .npy header");
    }

    /** A zip with the given entries, each holding a few bytes of pickle. */
    private static Path zip(Path file, String... entries) throws Exception {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String e : entries) {
                zip.putNextEntry(new ZipEntry(e));
                zip.write(new byte[] {(byte) 0x80, 2, '}', 'q', 0, '.'});
            }
        }
        return file;
    }

    @Test
    void pyTorchPicklesAreRefusedUnreadWithTheWayToConvertThem(@TempDir Path dir) throws Exception {
        // torch.save since PyTorch 1.6 (a zip of pickles and tensor storages), its legacy format (pickles
        // from the first byte; protocol 2), and torch.jit.save (code, constants and pickles).
        Path zipped = zip(dir.resolve("resnet.pth"), "resnet/data.pkl", "resnet/data/0", "resnet/version");
        Path legacy = dir.resolve("old.pt");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
            (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e, 0, 0, 0, 0, 0});
        Path script = zip(dir.resolve("traced.pt"), "traced/data.pkl", "traced/constants.pkl",
                "traced/code/__torch__/m.py");
        String[][] expected = {
            {zipped.toString(), "a PyTorch pickle (torch.save)", "torch.load('resnet.pth'", "numpy.savez('resnet.npz'"},
            {legacy.toString(), "a PyTorch pickle (torch.save's legacy format)", "torch.load('old.pt'"},
            {script.toString(), "a TorchScript model", "torch.jit.load('traced.pt'", ".state_dict()"},
        };
        for (String[] e : expected) {
            String err = fails("import-torch", "--model", "se_resnet20", "--state-dict", e[0], "--output",
                    dir.resolve("m").toString());
            assertMentions(err, e);
            assertMentions(err, "does not unpickle on purpose", "safetensors");
            assertTrue(!err.contains("not a NumPy") && !err.contains("header would be"), err);
        }
        assertTrue(Files.notExists(dir.resolve("m")));
    }

    @Test
    void valuesAreReadAsWrittenOrRefused(@TempDir Path dir) throws Exception {
        // A big-endian input tensor gives the same logits as the little-endian original.
        Path le = TorchParityTest.FIXTURES.resolve("se_resnet20.input.npy");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = Npy.read(manager, le);
            ByteBuffer be = ByteBuffer.allocate((int) x.size() * 4).order(ByteOrder.BIG_ENDIAN);
            be.asFloatBuffer().put(x.toFloatArray());
            Path bigEndian = dir.resolve("be.npy");
            Files.write(bigEndian, npy(">f4", "2, 3, 32, 32", be.array()));
            assertEquals(0, CliSupport.run("infer", "--model-dir", model.toString(), "--input", le.toString(),
                    "--output", dir.resolve("le-out.npy").toString()).status());
            CliSupport.Result r = CliSupport.run("infer", "--model-dir", model.toString(), "--input",
                    bigEndian.toString(), "--output", dir.resolve("be-out.npy").toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(Npy.read(manager, dir.resolve("le-out.npy")).contentEquals(Npy.read(manager, dir.resolve("be-out.npy"))),
                    "big-endian input read as written");

            // A big-endian or non-finite tensor in a state_dict is refused, naming it.
            TorchStateDict full = TorchStateDict.read(manager, TorchParityTest.FIXTURES.resolve("simple_cnn.npz"));
            Path beDict = dir.resolve("be.npz");
            Path nanDict = dir.resolve("nan.npz");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(beDict))) {
                for (String name : full.names()) {
                    NDArray t = full.get(name);
                    zip.putNextEntry(new ZipEntry(name + ".npy"));
                    ByteBuffer data = ByteBuffer.allocate((int) t.size() * 4).order(ByteOrder.BIG_ENDIAN);
                    data.asFloatBuffer().put(t.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                    String shape = t.getShape().toString().replaceAll("[()]", "");
                    zip.write(npy(">f4", shape.contains(",") ? shape : shape + ",", data.array()));
                }
            }
            assertMentions(fails("import-torch", "--model", "simple_cnn", "--state-dict", beDict.toString(),
                    "--output", dir.resolve("m").toString()), "be.npz!", "big-endian >f4");
            NDList withNan = new NDList();
            for (String name : full.names()) {
                NDArray t = full.get(name).duplicate();
                if (name.equals("fc.bias")) {
                    t.set(new ai.djl.ndarray.index.NDIndex("3"), Float.NaN);
                }
                t.setName(name);
                withNan.add(t);
            }
            Files.write(nanDict, withNan.encode(NDList.Encoding.NPZ));
            assertMentions(fails("import-torch", "--model", "simple_cnn", "--state-dict", nanDict.toString(),
                    "--output", dir.resolve("m").toString()), "nan.npz", "tensor 'fc.bias' holds NaN values");
            assertTrue(Files.notExists(dir.resolve("m")), "nothing written");
        }

        // Class names and metadata that contradict the weights.
        Path image = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        Path nine = dir.resolve("nine");
        CliSupport.copyDir(model, nine);
        List<String> names = Files.readAllLines(nine.resolve("synset.txt"));
        Files.write(nine.resolve("synset.txt"), names.subList(0, 9));
        assertMentions(fails("predict", "--model-dir", nine.toString(), image.toString()),
                "synset.txt: 9 class names, but the model has 10 outputs");
        Path hundred = dir.resolve("hundred");
        CliSupport.copyDir(model, hundred);
        Path meta = hundred.resolve("attentionzoo.json");
        Files.writeString(meta, Files.readString(meta).replace("\"num_classes\": \"10\"", "\"num_classes\": \"100\""));
        assertMentions(fails("export-serving", "--model-dir", hundred.toString(), "--output",
                dir.resolve("s").toString()), "the metadata does not describe these weights");
        assertMentions(fails("predict", "--model-dir", hundred.toString(), image.toString()),
                "the metadata does not describe these weights");
        // The same directory handed to DJL Serving, which loads it through the block factory.
        Criteria<Input, Output> served = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelPath(hundred).build();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, served::loadModel);
        Throwable cause = e;
        while (cause.getCause() != null && !String.valueOf(cause.getMessage()).contains("metadata")) {
            cause = cause.getCause();
        }
        assertMentions(String.valueOf(cause.getMessage()), "the metadata does not describe these weights");
    }

    @Test
    void nothingHangsAndEveryMessageIsASentence(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("metrics.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertMentions(fails("plot", "--metrics", fifo.toString()), "metrics.csv: not a regular file"));
        assertMentions(fails("plot", "--metrics", "/dev/zero", "--output", dir.resolve("c.png").toString()),
                "/dev/zero: not a regular file");
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "epoch,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertMentions(fails("plot", "--metrics", latin1.toString()), "latin1.csv: not UTF-8 text");

        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--weight-decay", "NaN"),
                "--weight-decay", "NaN");
        assertMentions(fails("train", "--model", "resnet20", "--data", "embedded", "--label-smoothing", "NaN"),
                "--label-smoothing", "NaN");
        assertMentions(fails("summary", "--model", "resnet20", "--input-size", "0"), "--input-size 0: out of range");
        assertMentions(fails("summary", "--model", "resnet20", "--input-size", "100000"), "--input-size", "100000");

        Path zero = dir.resolve("zero.npy");
        Files.write(zero, npy("<f4", "0, 3, 32, 32", new byte[0]));
        assertMentions(fails("infer", "--model-dir", model.toString(), "--input", zero.toString(), "--output",
                dir.resolve("y.npy").toString()), "zero.npy", "holds no pixels");

        Path empty = dir.resolve("empty");
        CliSupport.copyDir(model, empty);
        Files.write(empty.resolve("se_resnet20-0000.params"), new byte[0]);
        Path image = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        assertMentions(fails("predict", "--model-dir", empty.toString(), image.toString()), "parameter file is empty");
        Path badJson = dir.resolve("badjson");
        CliSupport.copyDir(model, badJson);
        Files.writeString(badJson.resolve("attentionzoo.json"), "{\"architecture\": ");
        assertMentions(fails("predict", "--model-dir", badJson.toString(), image.toString()),
                "attentionzoo.json: not valid JSON");
    }
}
