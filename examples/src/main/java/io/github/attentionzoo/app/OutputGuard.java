package io.github.attentionzoo.app;

import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.zoo.ModelDirectory;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides whether a command may write where it was told to, before it writes anything: nothing a
 * user has is ever lost. An output that is, holds or lies inside one of the command's inputs is
 * refused; a directory that would be replaced whole must be empty or a model directory this
 * project wrote, unless the user forces it. Every refusal is one line naming the option, the
 * path and how to proceed.
 */
public final class OutputGuard {

    /** The files a model directory holds; a directory of only these is ours to replace. */
    private static final Set<String> MODEL_FILES = Set.of(ModelDirectory.METADATA, ModelDirectory.SYNSET,
            ModelDirectory.SERVING_PROPERTIES);

    private OutputGuard() {}

    /**
     * Refuses an output that is one of the inputs, lies inside one, or holds one: writing it would
     * overwrite or delete what the command reads.
     *
     * @param output the output path
     * @param option the option that named it, for the message (e.g. {@code --output})
     * @param inputs the command's input files and directories (null entries are skipped)
     * @throws IllegalArgumentException when they overlap
     */
    public static void notAnInput(Path output, String option, Path... inputs) {
        Path out = canonical(output);
        for (Path input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = canonical(input);
            if (out.equals(in)) {
                throw new IllegalArgumentException(option + " " + output + ": is also an input of this command;"
                        + " choose another output path");
            }
            if (out.startsWith(in)) {
                throw new IllegalArgumentException(option + " " + output + ": lies inside the input " + input
                        + "; choose an output outside it");
            }
            if (in.startsWith(out)) {
                throw new IllegalArgumentException(option + " " + output + ": holds the input " + input
                        + ", which writing it would replace; choose another output path");
            }
        }
    }

    /**
     * Refuses to replace a path with a new directory unless it is absent, an empty directory, or a
     * model directory (only the files {@link ModelDirectory} and checkpoints write), or {@code force}
     * is set.
     *
     * @param dir the directory to be replaced
     * @param option the option that named it, for the message
     * @param force whether the user asked to replace it whatever it holds
     * @throws IOException when the directory cannot be listed
     * @throws IllegalArgumentException when it holds something else and {@code force} is not set
     */
    public static void replaceableDirectory(Path dir, String option, boolean force) throws IOException {
        try {
            AtomicFiles.checkTarget(dir, Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || Files.notExists(dir, LinkOption.NOFOLLOW_LINKS));
        } catch (FileSystemException e) {
            // Not even --force replaces a device or a path below a file.
            if (!Files.isRegularFile(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(option + " " + e.getMessage(), e);
            }
        }
        if (force || Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(option + " " + dir + ": exists and is " + AtomicFiles.kind(dir)
                    + ", not a directory; choose another path");
        }
        List<String> foreign = foreign(dir, p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                && (MODEL_FILES.contains(p.getFileName().toString()) || p.getFileName().toString().endsWith(".params")));
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(option + " " + dir + ": exists and holds files that are not a model"
                    + " directory's (" + shown(foreign) + "), which replacing it would delete; choose another path, or"
                    + " pass --force to replace it");
        }
    }

    /**
     * Refuses a directory a command writes into by name when it holds anything but those names
     * (and their temporary siblings): a training run's {@code metrics.csv} would otherwise replace a
     * user's file of that name in a directory that was never a run's.
     *
     * @param dir the directory, which may not exist yet
     * @param option the option that named it, for the message
     * @param own the names the command writes there
     * @param what what such a directory is, for the message (e.g. "a training run's")
     * @throws IOException when the directory cannot be listed
     * @throws IllegalArgumentException when it holds anything else
     */
    public static void onlyOwnFiles(Path dir, String option, Set<String> own, String what) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> foreign = foreign(dir, p -> {
            String name = p.getFileName().toString();
            return own.stream().anyMatch(o -> name.equals(o) || name.startsWith("." + o + "."));
        });
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(option + " " + dir + ": holds files that are not " + what + " ("
                    + shown(foreign) + "); choose another " + option);
        }
    }

    /** The entries of a directory that are not ours, sorted, directories marked with a slash. */
    private static List<String> foreign(Path dir, java.util.function.Predicate<Path> ours) throws IOException {
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(ours.negate()).forEach(p -> foreign.add(p.getFileName() + (Files.isDirectory(p) ? "/" : "")));
        }
        foreign.sort(null);
        return foreign;
    }

    /** Up to three names, and how many more. */
    private static String shown(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", and " + (names.size() - 3) + " more" : "");
    }

    /**
     * Refuses a single-file output path that is an existing directory (writing it would fail
     * half-way, or, for a replacing write, delete the directory), a device, FIFO or socket (which
     * a replacing write would turn into a regular file), or a path below a file.
     *
     * @param file the output file
     * @param option the option that named it, for the message
     * @throws IllegalArgumentException when it cannot be written as a regular file
     */
    public static void writableFile(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a directory; give a file name");
        }
        try {
            AtomicFiles.checkTarget(file, false);
        } catch (FileSystemException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage(), e);
        }
    }

    /** The path with symbolic links resolved as far as it exists, so aliases of one file compare equal. */
    private static Path canonical(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && Files.notExists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
