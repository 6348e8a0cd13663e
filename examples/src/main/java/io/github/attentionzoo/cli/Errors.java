package io.github.attentionzoo.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns an exception into the one line a user reads. */
final class Errors {

    /** Where a Spark job failure's message names the task's own exception. */
    private static final Pattern TASK_FAILURE = Pattern.compile("most recent failure: Lost task .*? executor [^)]*\\): (.*)");

    private Errors() {}

    /** The first line of a message. */
    static String firstLine(String message) {
        return io.github.attentionzoo.io.Messages.firstLine(message);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        // Wrappers add nothing a user needs; the innermost message with content names the problem.
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || isWrapper(t))) {
            t = t.getCause();
        }
        if (t instanceof FileSystemException fse) {
            return fse.getFile() + ": " + (fse.getReason() != null ? fse.getReason() : reason(fse));
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + t.getMessage() + "); give the JVM more with -Xmx, or a smaller input";
        }
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        if (isWrapper(t)) {
            // A task exception the Spark driver could not deserialize survives only as text in the job's message.
            Matcher m = TASK_FAILURE.matcher(message);
            if (m.find()) {
                return m.group(1).replaceFirst("^[\\w.$]+(Exception|Error): ", "");
            }
        }
        // Parsers and the engine add lines of context; the first one says what is wrong.
        return firstLine(message);
    }

    /**
     * Whether an exception only wraps the one that says what is wrong: Spark wraps a task's exception in job,
     * stage and writer failures whose messages name stages and task ids. Spark is named, not linked: the CLI
     * carries no Spark.
     */
    private static boolean isWrapper(Throwable t) {
        return t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof java.lang.reflect.UndeclaredThrowableException
                || t.getClass().getName().startsWith("org.apache.spark.Spark");
    }

    /** Words for the file-system failures that carry no reason of their own. */
    private static String reason(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return e.getClass().getSimpleName();
    }
}
