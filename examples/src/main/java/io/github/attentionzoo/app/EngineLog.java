package io.github.attentionzoo.app;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Keeps libtorch's own warnings off a command line's output. libtorch 2.7.1 prints a 400-character
 * deprecation notice ({@code AutoNonVariableTypeMode is deprecated}) the first time DJL's JNI
 * calls one of its operators; it says nothing a user can act on, and it would stand before the one
 * line an error prints. libtorch reads its log level from {@code TORCH_CPP_LOG_LEVEL} when it is
 * loaded, so this sets that variable in the process's environment before the engine starts.
 */
public final class EngineLog {

    /** The one C function used; bound by JNA, which DJL already depends on. */
    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);
    }

    private EngineLog() {}

    /**
     * Lowers libtorch's log level to errors, unless the user set {@code TORCH_CPP_LOG_LEVEL}.
     * Call it before anything touches the engine; later it has no effect.
     *
     * @return whether the level was set
     */
    public static boolean errorsOnly() {
        if (System.getenv("TORCH_CPP_LOG_LEVEL") != null) {
            return false;
        }
        try {
            return Native.load("c", CLibrary.class).setenv("TORCH_CPP_LOG_LEVEL", "ERROR", 0) == 0;
        } catch (LinkageError e) {
            // No C library to call (not a Unix): the warnings are printed, nothing else changes.
            return false;
        }
    }
}
