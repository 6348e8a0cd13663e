package io.github.attentionzoo.cli;

import java.nio.file.FileSystemException;

/** Turns an exception into the one line a user reads. */
final class Errors {

    private Errors() {}

    static String describe(Throwable e) {
        Throwable t = e;
        // Wrappers add nothing a user needs; the innermost message with content names the problem.
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        if (t instanceof FileSystemException fse) {
            String reason = fse.getReason() == null ? t.getClass().getSimpleName() : fse.getReason();
            return fse.getFile() + ": " + reason;
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
