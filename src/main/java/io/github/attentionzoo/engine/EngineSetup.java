package io.github.attentionzoo.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Applies, once per process, the engine settings the zoo's networks need on any machine. Every
 * zoo path that creates or loads a model calls {@link #prepare(Engine)}; a program that builds the
 * layers into its own network may call it too.
 *
 * <p>On PyTorch it switches NNPACK off. libtorch 2.7.1 asks NNPACK about every convolution that
 * oneDNN declined (batch-1 3x3 convolutions on small inputs, one thread); on CPUs where NNPACK's
 * hardware probe fails, as on many cloud virtual machines, each such question prints "Could not
 * initialize NNPACK! Reason: Unsupported hardware." and costs time, and where the probe succeeds
 * NNPACK is used only from batch 16, which oneDNN serves. DJL has no switch for it, so the setting
 * goes through libtorch's exported {@code at::Context::setUserEnabledNNPACK}, with JNA (which DJL
 * brings). The symbols are looked up by their Itanium C++ names (Linux and macOS); where they are
 * named otherwise (Windows) the setting is skipped and logged at debug level, and libtorch behaves
 * as it does without this class.
 *
 * <p>On ONNX Runtime it removes the directory ({@code onnxruntime-java*} in {@code java.io.tmpdir})
 * into which ONNX Runtime's Java binding extracted its natives: the libraries are loaded by then,
 * and the binding itself would leave the directory behind at exit (and everything in it after a
 * crash).
 */
public final class EngineSetup {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);

    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";

    private static volatile boolean torchDone;
    private static volatile boolean ortDone;

    private EngineSetup() {}

    /**
     * Applies the settings for an engine, once per process; other engines are left alone.
     *
     * @param engine the engine a model is about to run on
     */
    public static void prepare(Engine engine) {
        String name = engine.getEngineName();
        if ("PyTorch".equals(name) && !torchDone) {
            synchronized (EngineSetup.class) {
                if (!torchDone) {
                    setNnpackEnabled(false);
                    torchDone = true;
                }
            }
        } else if ("OnnxRuntime".equals(name) && !ortDone) {
            synchronized (EngineSetup.class) {
                if (!ortDone) {
                    ortDone = removeOrtExtractionDirectory();
                }
            }
        }
    }

    /**
     * Reads libtorch's NNPACK switch.
     *
     * @return whether libtorch may use NNPACK, or empty where the PyTorch engine is not loaded or
     *     its symbols cannot be found
     */
    public static Optional<Boolean> nnpackEnabled() {
        try {
            NativeLibrary torch = libtorch();
            Pointer context = (Pointer) torch.getFunction(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
            // A C++ bool comes back in the low byte only; the rest of the register is undefined.
            int value = torch.getFunction(GET_NNPACK).invokeInt(new Object[] {context});
            return Optional.of((value & 0xFF) != 0);
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Sets libtorch's NNPACK switch, as {@link #prepare} does with false; true gives libtorch's own
     * behaviour back (examples/bench/Batch1.java measures both).
     *
     * @param enabled whether libtorch may consider NNPACK
     * @return whether the switch could be set (false where the PyTorch engine is not loaded or its
     *     symbols are named otherwise)
     */
    public static boolean setNnpackEnabled(boolean enabled) {
        try {
            NativeLibrary torch = libtorch();
            Pointer context = (Pointer) torch.getFunction(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
            Function set = torch.getFunction(SET_NNPACK);
            set.invokeVoid(new Object[] {context, enabled});
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("NNPACK left as libtorch set it: {}", e.toString());
            return false;
        }
    }

    /**
     * The libtorch_cpu library DJL loaded: opening it again by its path returns the same handle. JNA
     * itself may be unable to start (its native part cannot be unpacked, e.g. under a file-size
     * limit): callers then leave libtorch as it is rather than fail the user's command.
     */
    private static NativeLibrary libtorch() {
        Path dir = Paths.get(LibUtils.getLibtorchPath());
        String file = System.mapLibraryName("torch_cpu");
        return NativeLibrary.getInstance(dir.resolve(file).toString());
    }

    /** Returns false while ONNX Runtime's binding has not loaded its natives yet (DJL may defer it). */
    private static boolean removeOrtExtractionDirectory() {
        try {
            Class<?> runtime = Class.forName("ai.onnxruntime.OnnxRuntime");
            Field loaded = runtime.getDeclaredField("loaded");
            loaded.setAccessible(true);
            if (!loaded.getBoolean(null)) {
                return false;
            }
            Field field = runtime.getDeclaredField("tempDirectory");
            field.setAccessible(true);
            Path dir = (Path) field.get(null);
            if (dir == null || !Files.isDirectory(dir) || !dir.getFileName().toString().startsWith("onnxruntime-java")) {
                return true;
            }
            // Execution providers beyond the CPU's are extracted when first asked for; keep their
            // directory on builds that have them.
            Class<?> environment = Class.forName("ai.onnxruntime.OrtEnvironment");
            Object providers = environment.getMethod("getAvailableProviders").invoke(null);
            if (!(providers instanceof java.util.Set<?> set) || set.size() != 1) {
                return true;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            LOG.debug("ONNX Runtime's extraction directory left in place: {}", e.toString());
        }
        return true;
    }
}
