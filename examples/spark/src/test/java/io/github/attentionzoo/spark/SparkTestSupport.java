package io.github.attentionzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Files, reference predictions and child processes for the Spark tests. */
public final class SparkTestSupport {

    /** The model every test classifies with. */
    public static final String MODEL = "se_resnet20";
    /** How far a batched probability may lie from the single-image one: batched and single inference round differently. */
    public static final double TOLERANCE = 1e-4;

    private SparkTestSupport() {}

    /** This module's build directory. */
    public static Path target() {
        return Path.of(System.getProperty("attentionzoo.spark.target", "target")).toAbsolutePath();
    }

    /** The 1,000 CIFAR-10 test images embedded in the CLI's resources. */
    public static Path cifarSample() {
        return target().getParent().getParent().resolve("src/main/resources/cifar10-sample/test_batch.bin");
    }

    /** A fresh directory under target/ for one test class. */
    public static Path freshDir(String name) throws IOException {
        Path dir = target().resolve(name);
        deleteTree(dir);
        return Files.createDirectories(dir);
    }

    /** Deletes a directory tree, if there is one. */
    public static void deleteTree(Path dir) throws IOException {
        if (Files.notExists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A file that is no image: text bytes under an image's name. */
    public static Path writeGarbage(Path file) throws IOException {
        return Files.writeString(file, "this is not a PNG file");
    }

    /** The first bytes of a real PNG: a header that promises more than follows. */
    public static Path writeTruncated(Path png, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        return Files.write(file, java.util.Arrays.copyOf(bytes, 100));
    }

    /** Single-image predictions through Criteria, the {@code predict} command's path, keyed by file name. */
    public static Map<String, Classifications> reference(List<Path> files) throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://io.github.attentionzoo/" + MODEL)
                .build();
        Map<String, Classifications> results = new HashMap<>();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            for (Path file : files) {
                results.put(file.getFileName().toString(), predictor.predict(ImageFactory.getInstance().fromFile(file)));
            }
        }
        return results;
    }

    /** Fails unless a result matches the single-image prediction: the same top class, the probability within tolerance. */
    public static void assertMatches(Classifications expected, String path, String cls, double probability) {
        Classifications.Classification best = expected.best();
        if (!best.getClassName().equals(cls) || Math.abs(best.getProbability() - probability) > TOLERANCE) {
            throw new AssertionError(path + ": got " + cls + " " + probability + ", single-image prediction gives "
                    + best.getClassName() + " " + best.getProbability());
        }
    }

    /** The command line of a JVM running the executable jar's main class. */
    public static List<String> java(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dai.djl.offline=true");
        command.addAll(List.of(args));
        return command;
    }

    /** A child process's exit status and output. */
    public record Run(int status, String out, String err, double seconds) {}

    /** Runs a process to its end (killing its tree past the limit) and returns what it printed. */
    public static Run run(List<String> command, Map<String, String> env, Path logDir, int limitSeconds) throws Exception {
        Files.createDirectories(logDir);
        Path out = Files.createTempFile(logDir, "out", ".txt");
        Path err = Files.createTempFile(logDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("still running after " + limitSeconds + " s: " + String.join(" ", command)
                        + "\n" + Files.readString(err));
            }
        } finally {
            destroyTree(process.toHandle());
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Ends a process and every process below it, children first, and waits until all are gone.
     *
     * @return the processes that were still alive afterwards (none, unless the kernel refused)
     */
    public static List<ProcessHandle> destroyTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                alive.add(p);
            }
        }
        return alive;
    }

    /** Fails unless stderr is free of stack traces and Spark's own log lines. */
    public static void assertOneLine(Run run, String... parts) {
        String err = run.err().strip();
        if (run.status() == 0) {
            throw new AssertionError("should fail:\n" + run.out() + err);
        }
        if (err.lines().count() != 1 || err.contains("\tat ")) {
            throw new AssertionError("expected one line on stderr, got:\n" + err);
        }
        for (String part : parts) {
            if (!err.contains(part)) {
                throw new AssertionError("expected '" + part + "' in: " + err);
            }
        }
    }

    /** Reads a file, failing the test on error. */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
