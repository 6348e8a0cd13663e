package io.github.attentionzoo.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Reads an image file's bytes on an executor, through Hadoop's file system API. A file that is
 * too large to be an image is an error row, checked before its bytes are allocated; a file that
 * cannot be opened fails the task, as Spark's own file sources do, naming the file.
 */
final class FileBytes {

    /** The largest file read: beyond what a 16k × 16k image ({@code ImageBytes.MAX_PIXELS}) takes compressed. */
    static final long MAX_BYTES = 1L << 28;

    private FileBytes() {}

    /**
     * Reads a whole file.
     *
     * @param path the file's path as the {@code path} column holds it
     * @param conf Hadoop settings that reach its file system, or null for the defaults
     * @return the bytes
     * @throws IOException (an error row) when the file is larger than {@link #MAX_BYTES}
     * @throws UncheckedIOException when the file cannot be read, with the file system's own words
     */
    static byte[] read(String path, HadoopConf conf) throws IOException {
        if (ImageFiles.isLocal(path)) {
            // Java's own file API: Hadoop's local file system looks for a checksum file beside each file, and
            // builds that name with a parser that takes a colon in it for a scheme.
            java.nio.file.Path file = ImageFiles.localPath(path);
            try (java.nio.channels.SeekableByteChannel channel = java.nio.file.Files.newByteChannel(file)) {
                checkSize(channel.size());
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) channel.size());
                while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                    // reads until full or the end
                }
                return bytes.hasRemaining() ? java.util.Arrays.copyOf(bytes.array(), bytes.position()) : bytes.array();
            } catch (TooLarge e) {
                throw e;
            } catch (java.nio.file.FileSystemException e) {
                throw new UncheckedIOException(file + " (" + (e.getReason() != null ? e.getReason()
                        : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                        : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                        : e.getClass().getSimpleName()) + ")", e);
            } catch (IOException e) {
                throw new UncheckedIOException(file + " (" + e.getMessage() + ")", e);
            }
        }
        Path file = ImageFiles.hadoopPath(path);
        try {
            FileSystem fs = file.getFileSystem(conf == null ? new Configuration() : conf.get());
            FileStatus status = fs.getFileStatus(file);
            checkSize(status.getLen());
            byte[] bytes = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(file)) {
                in.readFully(0, bytes);
            }
            return bytes;
        } catch (TooLarge e) {
            throw e;
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UncheckedIOException(message.contains(file.toUri().getPath()) ? message : path + ": " + message, e);
        }
    }

    private static void checkSize(long length) throws TooLarge {
        if (length > MAX_BYTES) {
            throw new TooLarge(String.format(Locale.ROOT, "%,d bytes; image files of at most %,d bytes are read",
                    length, MAX_BYTES));
        }
    }

    /** A file too large to read into memory: an error row, not a failed task. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
