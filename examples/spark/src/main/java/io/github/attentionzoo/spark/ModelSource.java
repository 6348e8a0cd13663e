package io.github.attentionzoo.spark;

import ai.djl.engine.Engine;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the executors find the model and which engine runs it. It travels with every task, and
 * as a value it is the key under which an executor JVM keeps the one model it loaded.
 *
 * @param name a zoo model's name, or null
 * @param directory a model directory, or null: a local path every executor can read, a path
 *     relative to the executors' working directory (a directory shipped with {@code --archives}),
 *     or a Hadoop file system URI ({@code hdfs://}, {@code s3a://}, ...)
 * @param engine the DJL engine's name
 */
record ModelSource(String name, String directory, String engine) implements Serializable {

    /**
     * Returns the source a stage's parameters name, choosing the engine where none is named.
     *
     * @param name a zoo model's name, or empty
     * @param dir a model directory, or empty
     * @param engine the engine's name, or empty for {@link #defaultEngine}'s choice
     * @return the source
     * @throws IllegalArgumentException when neither or both of a model and a directory are given
     */
    static ModelSource of(String name, String dir, String engine) {
        if (name.isEmpty() == dir.isEmpty()) {
            throw new IllegalArgumentException("give either a zoo model or a model directory, not "
                    + (name.isEmpty() ? "neither" : "both"));
        }
        String chosen = engine.isEmpty() ? defaultEngine(name.isEmpty() ? null : name, dir.isEmpty() ? null : dir)
                : engine;
        return new ModelSource(name.isEmpty() ? null : name, dir.isEmpty() ? null : dir, chosen);
    }

    /**
     * The engine a model runs on when none is named: {@value ImageClassifier#DEFAULT_ENGINE} for a
     * zoo model or a directory holding an {@code .onnx} file, when that engine is on the classpath;
     * {@value ImageClassifier#PYTORCH} otherwise, and for a directory the driver cannot list.
     *
     * @param model a zoo model's name, or null
     * @param dir a model directory, or null
     * @return the engine's name
     */
    static String defaultEngine(String model, String dir) {
        if (!Engine.hasEngine(ImageClassifier.DEFAULT_ENGINE)) {
            return ImageClassifier.PYTORCH;
        }
        if (model != null) {
            return ImageClassifier.DEFAULT_ENGINE;
        }
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
            org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(new org.apache.hadoop.conf.Configuration());
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(path)) {
                if (f.isFile() && f.getPath().getName().endsWith(".onnx")) {
                    return ImageClassifier.DEFAULT_ENGINE;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not visible from the driver (shipped with --archives, say): the executors' PyTorch loads it.
        }
        return ImageClassifier.PYTORCH;
    }

    /**
     * Whether the directory lives on a Hadoop file system other than the local one, so each
     * executor copies it before loading.
     *
     * @return true for a URI with a scheme other than {@code file}
     */
    boolean isRemote() {
        return directory != null && remoteScheme(directory) != null;
    }

    /**
     * Returns the scheme of a location that names a non-local Hadoop file system.
     *
     * @param location a path or URI
     * @return the scheme, or null for a local path
     */
    static String remoteScheme(String location) {
        // A Windows drive letter or a bare path has no scheme of two or more letters.
        int colon = location.indexOf(':');
        if (colon < 2) {
            return null;
        }
        try {
            String scheme = new URI(location).getScheme();
            return scheme == null || scheme.equalsIgnoreCase("file") ? null : scheme;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * Describes the model for messages.
     *
     * @return e.g. {@code se_resnet20 on PyTorch}
     */
    String describe() {
        return (name != null ? name : directory) + " on " + engine;
    }
}
