package io.github.attentionzoo.spark.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Checks {@code --input} and {@code --output} through Hadoop's file system API, the one Spark
 * reads and writes with, so a local path, HDFS and object stores are judged alike. Each refusal is
 * one line naming the option and the path.
 */
final class Locations {

    private Locations() {}

    /**
     * Whether a path names a file system other than the local one, which only the session's Hadoop
     * settings reach.
     *
     * @param location a path or URI
     * @return true for {@code hdfs://}, {@code s3a://}, ...
     */
    static boolean isRemote(String location) {
        String scheme = new Path(location).toUri().getScheme();
        return scheme != null && !scheme.equalsIgnoreCase("file");
    }

    /**
     * Whether a path holds glob characters, which Spark expands.
     *
     * @param location a path
     * @return true when it has {@code * ? [ {}}
     */
    static boolean isGlob(String location) {
        return location.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * Refuses an input that is missing, unreadable, or a glob that matches nothing.
     *
     * @param input the {@code --input} value
     * @param conf Hadoop settings that reach its file system
     * @throws IOException when the file system cannot be asked
     * @throws IllegalArgumentException naming the input and what is wrong
     */
    static void checkInput(String input, Configuration conf) throws IOException {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(conf);
        if (isGlob(input)) {
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("--input " + input + ": matches no files");
            }
            return;
        }
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("--input " + input + ": not found");
        }
        // Hadoop's local file system reports no permissions when asked for a status; Java's file API does.
        if (!isRemote(input) && !Files.isReadable(java.nio.file.Path.of(path.toUri().getPath()))) {
            throw new IllegalArgumentException("--input " + input + ": permission denied");
        }
        if (status.isFile() && !isImageName(status.getPath().getName())) {
            throw new IllegalArgumentException("--input " + input + ": not an image file (.png, .jpg, .jpeg, .bmp, .gif)");
        }
        if (status.isDirectory() && !isRemote(input) && !holdsImage(java.nio.file.Path.of(path.toUri().getPath()))) {
            throw new IllegalArgumentException("--input " + input + ": holds no image files (.png, .jpg, .jpeg, .bmp, .gif)");
        }
    }

    /**
     * Whether a file name is one that {@code ImageClassifier.readImages} reads.
     *
     * @param name a file name
     * @return true for PNG, JPEG, BMP and GIF names in any letter case
     */
    static boolean isImageName(String name) {
        return name.matches("(?i).*\\.(png|jpe?g|bmp|gif)");
    }

    /** Walks a local directory only as far as its first image file: before Spark starts, and cheap. */
    private static boolean holdsImage(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> isImageName(p.getFileName().toString()) && Files.isRegularFile(p));
        } catch (java.io.UncheckedIOException e) {
            // A subdirectory this user cannot list: Spark's own listing then says which one.
            return true;
        }
    }

    /**
     * Refuses an output that exists (unless forced), or that is, holds or lies inside the input:
     * Spark replaces an output whole, so writing it would delete what is being read.
     *
     * @param output the {@code --output} value
     * @param input the {@code --input} value
     * @param force whether an existing output may be replaced
     * @param conf Hadoop settings that reach the output's file system
     * @return whether the output exists now
     * @throws IOException when the file system cannot be asked
     * @throws IllegalArgumentException naming the output and what is wrong
     */
    static boolean checkOutput(String output, String input, boolean force, Configuration conf) throws IOException {
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(conf);
        String o = fs.makeQualified(out).toString();
        Path in = new Path(input);
        // A glob's fixed leading directories are what the output must stay clear of.
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
        boolean exists = fs.exists(out);
        if (exists && !force) {
            throw new IllegalArgumentException("--output " + output + ": exists; choose another path, or pass --force"
                    + " to replace it");
        }
        return exists;
    }

    /**
     * Removes an output directory that a failed job created and left empty, so that running the
     * command again needs no {@code --force}. Anything in it is left alone.
     *
     * @param output the {@code --output} value
     * @param conf Hadoop settings that reach its file system
     */
    static void removeIfEmpty(String output, Configuration conf) {
        try {
            Path out = new Path(output);
            FileSystem fs = out.getFileSystem(conf);
            if (fs.exists(out) && fs.getFileStatus(out).isDirectory() && fs.listStatus(out).length == 0) {
                fs.delete(out, false);
            }
        } catch (IOException | RuntimeException e) {
            // The job's own failure is what the user needs to read; an empty directory left behind is harmless.
        }
    }
}
