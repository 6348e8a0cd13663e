package io.github.attentionzoo.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
     * @param target the file; absent, or a regular file (a device, FIFO or socket is refused, as
     *     is a path through a file that is not a directory)
     * @param writer the content
     * @throws IOException naming {@code target} and what the system said; {@code target} is then unchanged
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        checkTarget(target, false);
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            String prefix = tempPrefix(target);
            removeStale(dir, prefix, ".tmp");
            tmp = Files.createTempFile(dir, prefix, ".tmp");
            readable(tmp, "rw-r--r--");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            fsync(tmp);
            move(tmp, target);
            fsync(dir);
        } catch (IOException e) {
            throw blame(target, tmp, e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Refuses a target whose kind a write would silently replace, or whose parent cannot hold it,
     * before anything is written: {@code /dev/null} must never become a regular file.
     *
     * @param target the file or directory to be written
     * @param directory whether a directory is to be written there
     * @throws FileSystemException naming {@code target} and what it is
     */
    public static void checkTarget(Path target, boolean directory) throws FileSystemException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            String kind = kind(abs);
            boolean ok = directory ? Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)
                    : Files.isRegularFile(abs);
            if (!ok) {
                throw new FileSystemException(target.toString(), null, "is " + kind + ", not "
                        + (directory ? "a directory" : "a regular file") + "; give another path");
            }
        } else if (Files.isSymbolicLink(abs)) {
            throw new FileSystemException(target.toString(), null, "is a symbolic link to nothing; give another path");
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new FileSystemException(target.toString(), null,
                            "cannot be created: " + p + " is " + kind(p) + ", not a directory");
                }
                break;
            }
        }
    }

    /**
     * Describes what kind of file a path is, in words for a message ("a character device").
     *
     * @param path an existing path (links are followed)
     * @return the words
     */
    public static String kind(Path path) {
        if (Files.isDirectory(path)) {
            return "a directory";
        }
        if (Files.isRegularFile(path)) {
            return "a regular file";
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            switch (mode & 0170000) {
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0010000: return "a FIFO (named pipe)";
                case 0140000: return "a socket";
                default: return "not a regular file";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return Files.isSymbolicLink(path) ? "a dangling symbolic link" : "not a regular file";
        }
    }

    /**
     * The exception a user reads when writing {@code target} failed: it names the target they gave,
     * never our temporary sibling, with what the system said ("No space left on device", "File too
     * large", "Read-only file system"). A failure that names another file (an input being copied)
     * stays as it is, unless that file is ours.
     */
    private static IOException blame(Path target, Path tmp, IOException e) {
        if (e instanceof FileSystemException fse && fse.getFile() != null
                && !ours(target, tmp, fse.getFile()) && !ours(target, tmp, fse.getOtherFile())
                && !isWriteFault(fse.getReason())) {
            // It names a file of the caller's (an input being copied in): that file's own failure.
            return e;
        }
        FileSystemException named = new FileSystemException(target.toString(), null,
                "could not be written (" + reason(e) + ")");
        named.initCause(e);
        return named;
    }

    /** Whether a path named by a failure is the target, one of its temporaries, or a directory above it. */
    private static boolean ours(Path target, Path tmp, String file) {
        if (file == null) {
            return false;
        }
        Path f = Path.of(file).toAbsolutePath().normalize();
        Path t = target.toAbsolutePath().normalize();
        return t.startsWith(f) || tmp != null && f.startsWith(tmp.toAbsolutePath().normalize())
                || f.getParent() != null && f.getParent().equals(t.getParent())
                        && f.getFileName().toString().startsWith(tempPrefix(target));
    }

    private static boolean isWriteFault(String reason) {
        return reason != null && (reason.contains("No space left") || reason.contains("File too large")
                || reason.contains("Read-only file system") || reason.contains("quota"));
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its directory does not exist";
        }
        return e.getMessage() != null ? Messages.firstLine(e.getMessage()) : e.getClass().getSimpleName();
    }

    /** A file-name component may have at most this many bytes (ext4, xfs, tmpfs). */
    private static final int NAME_MAX = 255;

    /**
     * The prefix of a target's temporary siblings: a dot, the target's name cut to leave room for
     * the random part and a suffix, and a dot, so that a legal 255-byte name still gets a legal
     * temporary name.
     */
    static String tempPrefix(Path target) {
        return "." + fitted(target.getFileName().toString(), NAME_MAX - 40) + ".";
    }

    /** The longest start of {@code name} that fits {@code maxBytes} in UTF-8, never splitting a character. */
    private static String fitted(String name, int maxBytes) {
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
            return name;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + n > maxBytes) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.toString();
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
     * @throws IOException naming {@code target} when writing fails; {@code target} is then unchanged
     */
    public static void writeDirectory(Path target, DirectoryWriter writer) throws IOException {
        checkTarget(target, true);
        Path parent = target.toAbsolutePath().getParent();
        Path old = previousVersion(target);
        Path tmp = null;
        Path created = firstMissing(parent);
        try {
            Files.createDirectories(parent);
            recover(target);
            if (Files.exists(target)) {
                // Left by a replacement that crashed while deleting it.
                deleteTree(old);
            }
            String prefix = tempPrefix(target);
            removeStale(parent, prefix, "");
            tmp = Files.createTempDirectory(parent, prefix);
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
        } catch (IOException e) {
            throw blame(target, tmp, e);
        } finally {
            if (tmp != null && Files.exists(tmp)) {
                deleteTree(tmp);
            }
            if (Files.exists(target)) {
                deleteTree(old);
            } else {
                recover(target);
                removeEmptyUpTo(parent, created);
            }
        }
    }

    /**
     * Returns the highest directory above and including {@code dir} that does not exist yet (the
     * first one a {@code createDirectories} makes), or null when {@code dir} exists.
     *
     * @param dir a directory about to be created
     * @return the first missing directory on the way to it, or null
     */
    public static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath().normalize(); p != null && Files.notExists(p, LinkOption.NOFOLLOW_LINKS);
                p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /**
     * Removes {@code dir} and its parents up to {@code top} (from {@link #firstMissing}) while they
     * are empty, so that a write that failed leaves no directories it made; a directory that holds
     * anything stays, and so does every one above it.
     *
     * @param dir the deepest directory made
     * @param top the highest directory made, or null when none was
     */
    public static void removeEmptyUpTo(Path dir, Path top) {
        if (top == null) {
            return;
        }
        Path t = top.toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(t); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // Not empty (another writer's, or the user's), or not ours to remove: it stays.
                return;
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
        return target.toAbsolutePath().resolveSibling("." + fitted(target.getFileName().toString(), NAME_MAX - 10)
                + ".previous");
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
