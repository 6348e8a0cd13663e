package io.github.attentionzoo.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process and captures what it prints. */
final class CliSupport {

    /** What a run printed and returned. */
    record Result(int status, String out, String err) {}

    private CliSupport() {}

    /**
     * A child JVM's process, with {@code JAVA_TOOL_OPTIONS} set as many machines set it, so that
     * every test reading a child's console also shows it tolerates the JVM's own notices.
     */
    static ProcessBuilder childProcess(java.util.List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        String options = System.getenv("JAVA_TOOL_OPTIONS");
        pb.environment().put("JAVA_TOOL_OPTIONS", (options == null ? "" : options + " ") + "-Dattentionzoo.test.child=true");
        return pb;
    }

    /**
     * The lines of a child's console that it printed itself: the JVM's "Picked up ..." notices about
     * environment variables belong to the machine, not to the command.
     */
    static String ownLines(String console) {
        return console.lines().filter(l -> !l.startsWith("Picked up ")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * Imports the se_resnet20 PyTorch fixture into a model directory: a real model with
     * non-trivial weights for tests that need one.
     */
    static java.nio.file.Path importedSeResNet20(java.nio.file.Path dir) {
        java.nio.file.Path model = dir.resolve("se_resnet20-imported");
        Result r = run("import-torch", "--model", "se_resnet20", "--state-dict",
                TorchParityTest.FIXTURES.resolve("se_resnet20.npz").toString(), "--output", model.toString());
        if (r.status() != 0) {
            throw new AssertionError("import failed: " + r.err());
        }
        return model;
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * Runs a command that must fail; returns what it printed on stderr, checked to be free of
     * stack traces.
     */
    static String fails(String... args) {
        Result r = run(args);
        if (r.status() == 0) {
            throw new AssertionError("should fail: " + String.join(" ", args) + "\n" + r.out());
        }
        String err = r.err().strip();
        if (err.contains("\tat ") || err.contains("Exception in thread")) {
            throw new AssertionError("no stack trace:\n" + err);
        }
        return err;
    }

    /** Fails unless {@code err} contains every part. */
    static void assertMentions(String err, String... parts) {
        for (String p : parts) {
            if (!err.contains(p)) {
                throw new AssertionError("expected '" + p + "' in: " + err);
            }
        }
    }

    /** Copies a model directory's files (flat) into a new directory. */
    static void copyDir(java.nio.file.Path from, java.nio.file.Path to) throws java.io.IOException {
        java.nio.file.Files.createDirectories(to);
        try (var files = java.nio.file.Files.list(from)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
