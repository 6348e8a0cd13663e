package io.github.attentionzoo.app;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.util.Locale;

/**
 * Keeps glibc's allocator from handing libtorch's activation buffers back to the kernel after
 * every step.
 *
 * <p>A training step allocates and frees the same few megabyte-sized tensors again and again. In
 * a JVM these requests come from threads other than the process's first, so glibc serves them
 * from per-thread arenas that it trims, or from {@code mmap}, as soon as they are freed; the next
 * step then pays a page fault for every 4 KiB it writes. Raising the mmap and trim thresholds with
 * {@code mallopt} keeps freed memory in the process for reuse (docs/performance.md: se_resnet20
 * trained at 680 against 451 images/s, medians of three alternating rounds). The
 * environment variables {@code MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=2147483647
 * MALLOC_TOP_PAD_=268435456} do the same for a process this class does not start (DJL Serving).
 *
 * <p>It changes no result, only where memory comes from. Resident memory stays at the step's peak
 * instead of falling between steps.
 */
public final class NativeAllocator {

    /** The system property that turns {@link #tune()} off ({@code -Dattentionzoo.malloc=default}). */
    public static final String PROPERTY = "attentionzoo.malloc";

    // glibc's mallopt parameters (malloc.h).
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;

    /** glibc's largest mmap threshold on 64-bit: requests above it are always mapped. */
    private static final int MMAP_THRESHOLD = 32 << 20;
    private static final int TOP_PAD = 256 << 20;

    private static volatile Boolean tuned;

    /** The one C function used; bound by JNA, which DJL already depends on. */
    private interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    private NativeAllocator() {}

    /**
     * Raises glibc's mmap and trim thresholds once per process, unless the system property
     * {@value #PROPERTY} is {@code default} or the user set {@code MALLOC_*} variables themselves.
     *
     * @return whether the thresholds are raised (false off glibc, or when turned off)
     */
    public static synchronized boolean tune() {
        if (tuned != null) {
            return tuned;
        }
        tuned = false;
        if ("default".equals(System.getProperty(PROPERTY))
                || !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || System.getenv().keySet().stream().anyMatch(k -> k.startsWith("MALLOC_"))) {
            return false;
        }
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            tuned = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    && c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1
                    && c.mallopt(M_TOP_PAD, TOP_PAD) == 1;
        } catch (LinkageError e) {
            // Not glibc (musl, macOS, Windows): its allocator has no such knobs, and nothing breaks.
        }
        return tuned;
    }
}
