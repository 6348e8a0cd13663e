package io.github.attentionzoo.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Ownership of an output directory for as long as a run writes into it, so that a second run into
 * the same directory is refused instead of silently replacing the first one's results.
 *
 * <p>The lock is the kernel's ({@link FileChannel#tryLock()} on {@value #FILE} inside the
 * directory): it is released when the process ends however it ends, {@code kill -9} included,
 * which a PID written into a file is not (PIDs are reused; a killed child that was never reaped
 * still looks alive). The file itself stays, empty but for the holder's PID: deleting it on release
 * would let two later runs lock two different files of the same name.
 */
public final class OutputLock implements AutoCloseable {

    /** The lock file's name inside the output directory. */
    public static final String FILE = ".attentionzoo.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory for this process, creating it when absent.
     *
     * @param dir the output directory
     * @param option the option that named it, for the message
     * @return the lock, to be closed when the run has written its last file
     * @throws IOException when the directory or the lock file cannot be created
     * @throws IllegalArgumentException when another run (in this JVM or another process) holds it
     */
    public static OutputLock acquire(Path dir, String option) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // The same JVM already holds it: another command run in-process (tests, embedding code).
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalArgumentException(option + " " + dir + ": another run is writing to it right now;"
                    + " wait for it to end, or choose another " + option);
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        return new OutputLock(channel, lock);
    }

    /** Releases the directory. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
