package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.spark.ImageFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;

/**
 * Checks {@code --input} and {@code --output}, and owns the output directory: local paths are
 * compared after their links are resolved, and {@code --force} replaces only a directory that
 * carries the marker this command writes first into every output. Each refusal is one line naming
 * the option and the path.
 */
final class Locations {

    /** The file that marks a directory as an output of classify; Spark's readers skip names starting with '_'. */
    static final String MARKER = "_attentionzoo-classify";

    private Locations() {}

    /**
     * Whether a path names a file system other than the local one, which only the session's Hadoop
     * settings reach.
     *
     * @param location a path or URI
     * @return true for {@code hdfs://}, {@code s3a://}, ...
     */
    static boolean isRemote(String location) {
        return !ImageFiles.isLocal(location);
    }

    /**
     * Whether a path holds glob characters, which the listing expands.
     *
     * @param location a path
     * @return true when it has {@code * ? [ {}}
     */
    static boolean isGlob(String location) {
        return location.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * Refuses an empty {@code --input} or {@code --output} before anything parses it.
     *
     * @param option the option's name
     * @param value its value
     */
    static void requireNonBlank(String option, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " '" + value + "': empty; give a path");
        }
    }

    /**
     * Refuses a local input that is missing, unreadable or not an image; the listing says whether
     * it holds any image.
     *
     * @param input the {@code --input} value
     * @throws IllegalArgumentException naming the input and what is wrong
     */
    static void checkLocalInput(String input) {
        if (isGlob(input)) {
            return;
        }
        java.nio.file.Path path = ImageFiles.localPath(input);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("--input " + input + ": not found");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("--input " + input + ": permission denied");
        }
        if (Files.isRegularFile(path) && !ImageFiles.isImageName(
                path.getFileName().toString())) {
            throw new IllegalArgumentException("--input " + input + ": not an image file (.png, .jpg, .jpeg, .bmp, .gif)");
        }
    }

    /**
     * Refuses an output that exists (unless forced, and then only an earlier output of classify), or
     * that is, holds or lies inside the input. Local paths are compared after resolving links, in
     * the output's path and everywhere in the input; remote paths are compared as text, since
     * Hadoop's file systems give no real path to compare.
     *
     * @param output the {@code --output} value
     * @param input the {@code --input} value
     * @param force whether an earlier output of classify may be replaced
     * @param conf Hadoop settings that reach the output's file system
     * @return whether the output exists now (an earlier output of classify)
     * @throws IOException when the file system cannot be asked
     * @throws IllegalArgumentException naming the output and what is wrong
     */
    static boolean checkOutput(String output, String input, boolean force, Configuration conf) throws IOException {
        if (!isRemote(output) && !isRemote(input)) {
            checkLocalOverlap(output, input);
        } else {
            checkOverlapAsText(output, input, conf);
        }
        boolean directory;
        boolean marked;
        if (!isRemote(output)) {
            // Java's file API: a local path is judged before Spark, or Hadoop's logging, starts.
            java.nio.file.Path out = ImageFiles.localPath(output);
            if (!Files.exists(out) && !Files.isSymbolicLink(out)) {
                return false;
            }
            directory = Files.isDirectory(out);
            marked = Files.isRegularFile(out.resolve(MARKER));
        } else {
            Path out = hadoopPath(output);
            FileSystem fs = out.getFileSystem(conf);
            try {
                directory = fs.getFileStatus(out).isDirectory();
            } catch (FileNotFoundException e) {
                return false;
            }
            marked = fs.exists(new Path(out, MARKER));
        }
        if (!force) {
            throw new IllegalArgumentException("--output " + output + ": exists; choose another path, or pass --force"
                    + " to replace it");
        }
        if (!directory || !marked) {
            throw new IllegalArgumentException("--output " + output + ": exists and is not an output of classify (it"
                    + " has no " + MARKER + " file); --force replaces only those, so choose another path");
        }
        return true;
    }

    /** The real location of a path that may not exist yet: its deepest existing ancestor's real path, then the rest. */
    private static java.nio.file.Path real(java.nio.file.Path path) throws IOException {
        java.nio.file.Path absolute = path.toAbsolutePath().normalize();
        java.nio.file.Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    }

    private static void checkLocalOverlap(String output, String input) throws IOException {
        java.nio.file.Path out = real(ImageFiles.localPath(output));
        java.nio.file.Path inPath = ImageFiles.localPath(input);
        // A glob's fixed leading directories are what the output must stay clear of.
        while (isGlob(inPath.toString()) && inPath.getParent() != null) {
            inPath = inPath.getParent();
        }
        java.nio.file.Path in = real(inPath);
        if (out.equals(in) || in.startsWith(out)) {
            throw new IllegalArgumentException("--output " + output + ": " + (out.equals(in) ? "is" : "holds")
                    + " the input " + input + ", which writing it would replace; choose another output path");
        }
        if (out.startsWith(in)) {
            throw new IllegalArgumentException("--output " + output + ": lies inside the input " + input
                    + "; choose an output outside it");
        }
        if (Files.isDirectory(in)) {
            checkLinksInto(in, out, output, input);
        }
    }

    /** Refuses an input that reaches the output through a link somewhere inside it. */
    private static void checkLinksInto(java.nio.file.Path in, java.nio.file.Path out, String output, String input)
            throws IOException {
        Files.walkFileTree(in, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes attrs)
                    throws IOException {
                check(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) throws IOException {
                check(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(java.nio.file.Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException || e instanceof NoSuchFileException) {
                    // A loop is skipped by the listing too; a dangling link leads nowhere.
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            private void check(java.nio.file.Path p) throws IOException {
                if (Files.isSymbolicLink(p)) {
                    java.nio.file.Path target = p.toRealPath();
                    if (target.startsWith(out) || out.startsWith(target)) {
                        throw new IllegalArgumentException("--output " + output + ": the input " + input
                                + " reaches it through the link " + p + "; choose another output path");
                    }
                }
            }
        });
    }

    private static void checkOverlapAsText(String output, String input, Configuration conf) throws IOException {
        Path out = hadoopPath(output);
        String o = out.getFileSystem(conf).makeQualified(out).toString();
        Path in = hadoopPath(input);
        while (isGlob(in.toString()) && in.getParent() != null) {
            in = in.getParent();
        }
        String i = in.getFileSystem(conf).makeQualified(in).toString();
        if (o.equals(i) || i.startsWith(o + "/")) {
            throw new IllegalArgumentException("--output " + output + ": " + (o.equals(i) ? "is" : "holds")
                    + " the input " + input + ", which writing it would replace; choose another output path");
        }
        if (o.startsWith(i + "/")) {
            throw new IllegalArgumentException("--output " + output + ": lies inside the input " + input
                    + "; choose an output outside it");
        }
    }

    /**
     * Makes the output directory this run owns: a new one with the marker in it, or an earlier
     * output of classify emptied of everything but its marker. Spark then adds its files beside
     * the marker, so an output is recognisable even after a run that did not finish.
     *
     * @param output the {@code --output} value
     * @param existed whether {@link #checkOutput} found an earlier output of classify there
     * @param conf Hadoop settings that reach its file system
     * @throws IOException when the directory cannot be made or emptied
     */
    static void claimOutput(String output, boolean existed, Configuration conf) throws IOException {
        Path out = hadoopPath(output);
        FileSystem fs = out.getFileSystem(conf);
        Path marker = new Path(out, MARKER);
        if (existed) {
            for (FileStatus child : fs.listStatus(out)) {
                if (!child.getPath().getName().equals(MARKER)) {
                    fs.delete(child.getPath(), true);
                }
            }
            return;
        }
        if (!fs.mkdirs(out)) {
            throw new IOException("--output " + output + ": cannot create the directory");
        }
        try (FSDataOutputStream stream = fs.create(marker, false)) {
            stream.write(("written by attentionzoo classify, " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Removes an output this run made or emptied, after a failure: everything in it is this
     * command's, so that running again needs no {@code --force}.
     *
     * @param output the {@code --output} value
     * @param conf Hadoop settings that reach its file system
     */
    static void release(String output, Configuration conf) {
        try {
            Path out = hadoopPath(output);
            FileSystem fs = out.getFileSystem(conf);
            if (fs.exists(new Path(out, MARKER))) {
                fs.delete(out, true);
            }
        } catch (IOException | RuntimeException e) {
            // The job's own failure is what the user needs to read; a marked directory left behind is rerun with --force.
        }
    }

    private static Path hadoopPath(String location) {
        return ImageFiles.hadoopPath(location);
    }
}
