package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.app.NativeAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code attentionzoo} command line. Errors print one line naming the problem and exit with a
 * non-zero status; {@code --verbose} adds the stack trace.
 */
@Command(
        name = "attentionzoo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Squeeze-and-Excitation and Selective-Kernel networks for DJL.",
        subcommands = {
            ModelsCommand.class,
            SummaryCommand.class,
            TrainCommand.class,
            FinetuneCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ExportServingCommand.class,
            ExportOnnxCommand.class,
            ImportTorchCommand.class,
            PlotCommand.class,
            ExportTorchCommand.class,
            InferCommand.class,
            BenchCommand.class,
            ExplainCommand.class,
            SoakCommand.class,
        })
public final class Main extends RootCommand {

    /** The version of this build, from the pom (version.properties is filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("version.properties")) {
                p.load(in);
            }
            return new String[] {"attentionzoo " + p.getProperty("version") + " (DJL " + p.getProperty("djl")
                    + ", PyTorch " + p.getProperty("pytorch") + ", ONNX Runtime through DJL's OnnxRuntime engine)"};
        }
    }

    /**
     * Runs the command line and returns its exit status (tests call this).
     *
     * @param args the arguments
     * @return 0 on success, 1 on an error while running, 2 on bad arguments
     */
    public static int execute(String... args) {
        return launch(new Main(), args);
    }

    /**
     * Entry point.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Before the engine loads: freed activations stay for reuse (docs/performance.md).
        NativeAllocator.tune();
        noteTemporaryCache();
        System.exit(execute(args));
    }

    /**
     * DJL keeps libtorch's natives and the shipped models in its cache, under the home directory;
     * where that cannot be written it falls back to the temporary directory, which a user should hear
     * of once, with the variable that puts the cache where they want it.
     */
    private static void noteTemporaryCache() {
        if (System.getenv("DJL_CACHE_DIR") != null || System.getProperty("DJL_CACHE_DIR") != null) {
            return;
        }
        java.nio.file.Path cache = ai.djl.util.Utils.getCacheDir().toAbsolutePath();
        if (cache.startsWith(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            System.err.println("note: the home directory " + System.getProperty("user.home") + " cannot be written, so"
                    + " DJL caches the engine's natives and the models in " + cache + "; set DJL_CACHE_DIR to keep"
                    + " them elsewhere");
        }
    }
}
