package io.github.attentionzoo.zoo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files and directories so that a reader sees the old version or the new one, never a
 * part: everything goes to a temporary sibling, is flushed to disk, then renamed into place.
 * A {@code kill -9} at any moment leaves at most a stray temporary behind.
 */
public final class AtomicFiles {

    /** Something that writes into a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * Writes the content.
         *
         * @param out the stream
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /** Something that fills a directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        /**
         * Writes files into the directory.
         *
         * @param dir the (temporary) directory
         * @throws IOException when writing fails
         */
        void write(Path dir) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code writer} writes.
     *
     * @param target the file
     * @param writer the content
     * @throws IOException when writing fails; {@code target} is then unchanged
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        removeStale(dir, "." + target.getFileName() + ".", ".tmp");
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            readable(tmp, "rw-r--r--");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            fsync(tmp);
            move(tmp, target);
            fsync(dir);
        } catch (FileSystemException e) {
            // The user named the target, not our temporary file: say which write failed, and why.
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new FileSystemException(target.toString(), null, "could not be written (" + reason + ")");
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Temporary files of a write older than this were left by a process that died; newer ones may be live. */
    static final java.time.Duration STALE = java.time.Duration.ofMinutes(10);

    /**
     * Deletes what interrupted writes of one target left behind: entries named {@code prefix...suffix}
     * older than {@link #STALE}, so they do not pile up.
     */
    private static void removeStale(Path dir, String prefix, String suffix) throws IOException {
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(STALE));
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(suffix) && !name.equals(prefix + suffix)
                        && !name.endsWith(".previous")
                        && Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // Cleaning up is a courtesy; the write itself must not fail for it.
        }
    }

    /**
     * Writes a directory in full under a temporary name, then renames it to {@code target},
     * replacing an existing one.
     *
     * <p>A non-empty directory cannot be renamed over another, so an existing {@code target} is first
     * renamed to a fixed sibling ({@link #previousVersion}) and removed only once the new one is in
     * place. A crash between the two renames leaves the old version under that name, and {@link
     * #recover} (called by every reader in this project and by the next write) puts it back.
     *
     * @param target the directory
     * @param writer fills the directory
     * @throws IOException when writing fails; {@code target} is then unchanged
     */
    public static void writeDirectory(Path target, DirectoryWriter writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        recover(target);
        Path old = previousVersion(target);
        if (Files.exists(target)) {
            // Left by a replacement that crashed while deleting it.
            deleteTree(old);
        }
        removeStale(parent, "." + target.getFileName() + ".", "");
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            readable(tmp, "rwxr-xr-x");
            writer.write(tmp);
            try (var files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        fsync(f);
                    }
                }
            }
            fsync(tmp);
            if (Files.exists(target)) {
                move(target, old);
            }
            move(tmp, target);
            fsync(parent);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
            if (Files.exists(target)) {
                deleteTree(old);
            } else {
                recover(target);
            }
        }
    }

    /**
     * Returns where {@link #writeDirectory} keeps the old version of a directory while replacing it.
     *
     * @param target the directory
     * @return its hidden sibling
     */
    public static Path previousVersion(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".previous");
    }

    /**
     * Restores a directory whose replacement was interrupted after the old version was moved aside
     * and before the new one was renamed into place; does nothing otherwise.
     *
     * @param target the directory
     * @return {@code target}
     * @throws IOException when the old version cannot be moved back
     */
    public static Path recover(Path target) throws IOException {
        Path old = previousVersion(target);
        if (Files.notExists(target) && Files.isDirectory(old)) {
            move(old, target);
        }
        return target;
    }

    /** Temporary files are private; what they become should be readable like any other file. */
    private static void readable(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the rename is still atomic there.
        }
    }

    /**
     * Deletes a directory tree.
     *
     * @param root the directory
     * @throws IOException when deletion fails
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
