package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.spark.CifarPngs;
import io.github.attentionzoo.spark.SparkTestSupport;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classify command's refusals, in this JVM: each one line naming the option or the input, exit
 * status 1 (2 for what picocli rejects), before Spark starts, and nothing written.
 */
class SparkClassifyCommandTest {

    private static Path dir;
    private static Path images;
    private static String out;

    /** What a run printed and returned. */
    private record Result(int status, String out, String err, double seconds) {}

    @BeforeAll
    static void images() throws Exception {
        dir = SparkTestSupport.freshDir("spark-command-test");
        images = dir.resolve("images");
        CifarPngs.write(SparkTestSupport.cifarSample(), images, 2);
        out = dir.resolve("out").toString();
    }

    private static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long start = System.nanoTime();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Result(status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs classify with these arguments after {@code --model se_resnet20} (unless they name a model). */
    private static Result classify(String... args) {
        boolean named = java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--model"));
        String[] all = new String[args.length + (named ? 1 : 3)];
        all[0] = "classify";
        if (!named) {
            all[1] = "--model";
            all[2] = SparkTestSupport.MODEL;
        }
        System.arraycopy(args, 0, all, named ? 1 : 3, args.length);
        return run(all);
    }

    private static void refused(Result r, String expected) {
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("error: " + expected, r.err().strip());
        assertFalse(Files.exists(Path.of(out)), "a refusal writes nothing");
    }

    private static void refusedOption(Result r, String expected) {
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals("error: " + expected + " (see: attentionzoo-spark classify --help)", r.err().strip());
        assertFalse(Files.exists(Path.of(out)), "a refusal writes nothing");
    }

    @Test
    void inputsThatHoldNoImagesAreRefused() throws Exception {
        String glob = images + "/*.jpeg";
        refused(classify("--input", glob, "--output", out), "--input " + glob + ": matches no files");
        Path missing = dir.resolve("missing");
        refused(classify("--input", missing.toString(), "--output", out), "--input " + missing + ": not found");
        Path noImages = Files.createDirectories(dir.resolve("no-images/deeper"));
        Files.writeString(noImages.resolve("readme.txt"), "no images here");
        refused(classify("--input", dir.resolve("no-images").toString(), "--output", out), "--input "
                + dir.resolve("no-images") + ": holds no image files (.png, .jpg, .jpeg, .bmp, .gif)");
        Path text = Files.writeString(dir.resolve("notes.txt"), "text");
        refused(classify("--input", text.toString(), "--output", out), "--input " + text
                + ": not an image file (.png, .jpg, .jpeg, .bmp, .gif)");
    }

    @Test
    void outputsThatWouldLoseDataAreRefused() throws Exception {
        String inside = images.resolve("results").toString();
        assertEquals(1, classify("--input", images.toString(), "--output", inside).status());
        assertEquals("error: --output " + inside + ": lies inside the input " + images + "; choose an output outside it",
                classify("--input", images.toString(), "--output", inside).err().strip());
        assertEquals("error: --output " + images + ": is the input " + images + ", which writing it would replace;"
                + " choose another output path", classify("--input", images.toString(), "--output",
                images.toString(), "--force").err().strip());
        Path existing = Files.createDirectories(dir.resolve("existing"));
        assertEquals("error: --output " + existing + ": exists; choose another path, or pass --force to replace it",
                classify("--input", images.toString(), "--output", existing.toString()).err().strip());
    }

    @Test
    void badOptionsAreRefusedByName() throws Exception {
        String in = images.toString();
        assertTrue(classify("--model", "se_resnet21", "--input", in, "--output", out).err()
                .startsWith("error: unknown model 'se_resnet21'"));
        Path noModel = dir.resolve("no-model");
        refused(classify("--model-dir", noModel.toString(), "--input", in, "--output", out),
                "--model-dir " + noModel + ": not found");
        // The CLI's own ranges and words (one launcher), a bad option's status 2.
        refusedOption(classify("--input", in, "--output", out, "--batch-size", "0"),
                "--batch-size 0: out of range; give a whole number from 1 to 65,536");
        refusedOption(classify("--input", in, "--output", out, "--batch-size", "2147483647"),
                "--batch-size 2147483647: out of range; give a whole number from 1 to 65,536");
        refusedOption(classify("--input", in, "--output", out, "--progress", "-1"),
                "--progress -1: out of range; give a whole number from 0 to 86,400");
        refusedOption(classify("--input", "", "--output", out), "--input '': empty; give a value");
        refusedOption(classify("--input", in, "--output", ""), "--output '': empty; give a value");
        refused(classify("--input", in, "--output", out, "--master", "garbage"), "--master garbage: not a Spark master"
                + " URL; give local[N], spark://HOST:PORT, yarn or k8s://HOST:PORT");
        Result engine = classify("--input", in, "--output", out, "--engine", "TensorFlow");
        assertEquals(1, engine.status());
        assertTrue(engine.err().strip().matches("error: engine 'TensorFlow' is not on the classpath; available: .*PyTorch.*"),
                engine.err());
        Result format = classify("--input", in, "--output", out, "--format", "xml");
        assertEquals(2, format.status());
        assertTrue(format.err().startsWith("error: Invalid value for option '--format': expected one of [parquet, json, csv]"),
                format.err());
    }

    @Test
    void anOnnxFileOfAnotherModelIsRefusedBeforeSparkStarts() throws Exception {
        // sk_resnet20's file in a directory that says se_resnet20: the same shapes, only its metadata tells.
        Path other = Files.createDirectories(dir.resolve("other-onnx"));
        Files.copy(PretrainedStore.install(SparkTestSupport.MODEL).resolve(ModelDirectory.METADATA),
                other.resolve(ModelDirectory.METADATA));
        Files.copy(PretrainedStore.install("sk_resnet20").resolve("sk_resnet20.onnx"), other.resolve("se_resnet20.onnx"));
        Result r = classify("--model-dir", other.toString(), "--input", images.toString(), "--output", out);
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: " + other.resolve("se_resnet20.onnx") + ": its own metadata says"
                + " architecture=sk_resnet20, but " + other.resolve(ModelDirectory.METADATA) + " says"
                + " architecture=se_resnet20"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(Path.of(out)), "a refusal writes nothing");
    }

    @Test
    void aMasterNobodyAnswersIsOneLineWithinAMinute() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Result r = classify("--input", images.toString(), "--output", out, "--master", "spark://127.0.0.1:" + port,
                "--conf", "spark.jars=/nowhere/job.jar");
        refused(r, "--master spark://127.0.0.1:" + port + ": no Spark master answers at 127.0.0.1:" + port
                + " (Connection refused)");
        assertTrue(r.seconds() < 60, r.seconds() + " s");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result r = classify("--input", images + "/*.jpeg", "--output", out, "--verbose");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("matches no files") && r.err().contains("\tat "), r.err());
    }

    @Test
    void helpListsEveryOption() {
        Result help = run("classify", "--help");
        assertEquals(0, help.status());
        for (String option : new String[] {"--model", "--model-dir", "--input", "--output", "--format", "--master",
                "--batch-size", "--engine", "--force", "--conf", "--progress", "--verbose"}) {
            assertTrue(help.out().contains(option), option + " in:\n" + help.out());
        }
    }
}
