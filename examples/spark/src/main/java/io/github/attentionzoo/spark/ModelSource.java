package io.github.attentionzoo.spark;

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
