package io.github.attentionzoo.spark.cli;

import org.apache.spark.TaskFailedReason;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the images written by finished tasks and prints a progress line every few seconds, and a
 * line for each failed task attempt that Spark will run again. Only successful attempts count, so
 * a task that is retried after its executor died is counted once.
 */
final class ProgressListener extends SparkListener implements AutoCloseable {

    private final long total;
    private final int maxFailures;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final ScheduledExecutorService timer;

    /**
     * Starts printing.
     *
     * @param total the number of images
     * @param seconds seconds between progress lines, 0 for none
     * @param maxFailures the attempts Spark gives a task; a failed last attempt fails the job, which
     *     the command reports itself
     * @param out where the lines go
     */
    ProgressListener(long total, int seconds, int maxFailures, PrintStream out) {
        this.total = total;
        this.maxFailures = maxFailures;
        this.out = out;
        if (seconds > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "attentionzoo-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::print, seconds, seconds, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() instanceof TaskFailedReason failure) {
            failedAttempts.incrementAndGet();
            int attempt = end.taskInfo().attemptNumber();
            if (attempt + 1 < maxFailures) {
                String reason = failure.toErrorString();
                out.printf(Locale.ROOT, "task %d (attempt %d) failed on executor %s: %s; Spark runs it again%n",
                        end.taskInfo().index(), attempt + 1, end.taskInfo().executorId(),
                        reason == null ? "?" : io.github.attentionzoo.io.Messages.firstLine(reason));
            }
            return;
        }
        TaskMetrics metrics = end.taskMetrics();
        if (metrics != null) {
            done.addAndGet(metrics.outputMetrics().recordsWritten());
        }
    }

    /**
     * Returns the images written by successful tasks so far.
     *
     * @return the count
     */
    long done() {
        return done.get();
    }

    /**
     * Returns the failed task attempts so far.
     *
     * @return the count
     */
    int failedAttempts() {
        return failedAttempts.get();
    }

    private void print() {
        long n = done.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "progress: %,d of %,d images (%.0f%%), %.0f images/s%n", n, total,
                total == 0 ? 0.0 : 100.0 * n / total, n / Math.max(seconds, 1e-9));
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
