package io.github.attentionzoo.spark.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns an exception, Spark's included, into the one line a user reads. */
final class Errors {

    /** Where a job failure's message names the task's own exception. */
    private static final Pattern TASK_FAILURE = Pattern.compile("most recent failure: Lost task .*? executor [^)]*\\): (.*)");

    private Errors() {}

    static String describe(Throwable e) {
        Throwable t = e;
        // Spark wraps a task's exception in job, stage and writer failures whose messages name stages and
        // task ids; the innermost exception with a message of its own says what is wrong.
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || isWrapper(t))) {
            t = t.getCause();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + t.getMessage() + "); give the JVM more with -Xmx, or the executors more"
                    + " with --conf spark.executor.memory=...";
        }
        if (t instanceof FileSystemException fse && fse.getReason() == null) {
            return fse.getFile() + ": " + (t instanceof NoSuchFileException ? "not found"
                    : t instanceof AccessDeniedException ? "permission denied" : t.getClass().getSimpleName());
        }
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        if (isWrapper(t)) {
            // A task exception the driver could not deserialize survives only as text in the job's message.
            Matcher m = TASK_FAILURE.matcher(message);
            if (m.find()) {
                return m.group(1).replaceFirst("^[\\w.$]+(Exception|Error): ", "");
            }
        }
        return message.lines().findFirst().orElse(message);
    }

    private static boolean isWrapper(Throwable t) {
        return t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof java.lang.reflect.UndeclaredThrowableException
                || t.getClass().getName().startsWith("org.apache.spark.Spark");
    }
}
