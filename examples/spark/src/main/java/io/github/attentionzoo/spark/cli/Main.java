package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.cli.RootCommand;
import picocli.CommandLine.Command;

import java.util.Arrays;

/**
 * The {@code attentionzoo-spark} command line: {@code java -jar attentionzoo-spark.jar classify ...}
 * on embedded local mode or a standalone master, or {@code spark-submit --class
 * io.github.attentionzoo.spark.cli.Main attentionzoo-spark-job.jar classify ...} on any cluster.
 * Errors print one line naming the problem and exit with a non-zero status; {@code --verbose} adds
 * the stack trace and Spark's own warnings.
 */
@Command(
        name = "attentionzoo-spark",
        mixinStandardHelpOptions = true,
        version = "attentionzoo-spark 0.1.0 (DJL 0.35.1, Spark 4.2.0)",
        description = {"Classifies image files with the attentionzoo models on Apache Spark.",
            "With --verbose, errors show their stack trace, and Spark's own warnings are shown too."},
        subcommands = {ClassifyCommand.class})
public final class Main extends RootCommand {

    /**
     * Runs {@code classify} (or the usage) and returns the exit status, as the CLI's does (tests call this).
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
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Before anything logs: the quiet configuration turns off the Spark loggers whose errors the command
        // reports itself, in one line; --verbose keeps them, stack traces included.
        if (verbose && System.getProperty("log4j2.configurationFile") == null
                && Main.class.getResource("/log4j2-verbose.properties") != null) {
            System.setProperty("log4j2.configurationFile", "log4j2-verbose.properties");
        }
        System.exit(execute(args));
    }
}
