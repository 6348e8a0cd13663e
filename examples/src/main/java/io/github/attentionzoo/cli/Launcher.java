package io.github.attentionzoo.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Runs a picocli command line the way every attentionzoo command runs: numeric options checked
 * against {@link OptionRanges} before any work, a bad option or a failure as one line naming it,
 * and the stack trace only with {@code --verbose}. The CLI and the Spark command both start here,
 * so their options and messages cannot drift apart.
 */
public final class Launcher {

    private Launcher() {}

    /**
     * Parses, checks and runs a command line.
     *
     * @param cli the command line, its root command holding an inherited {@code --verbose} option
     * @param args the arguments
     * @return 0 on success, 1 on an error while running, 2 on bad arguments
     */
    public static int execute(CommandLine cli, String... args) {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (verbose(parseResult)) {
                e.printStackTrace(err);
            } else {
                err.println("error: " + Errors.describe(e));
            }
            err.flush();
            return 1;
        });
        cli.setExecutionStrategy(parseResult -> {
            OptionRanges.check(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        // A bad option is one line too, naming the option; the usage is one --help away.
        cli.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + Errors.firstLine(e.getMessage()) + " (see: "
                    + e.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help)");
            err.flush();
            return 2;
        });
        return cli.execute(args);
    }

    /**
     * Returns the one line a user reads for an exception, as the commands print it after {@code error: }.
     *
     * @param e the exception
     * @return the line
     */
    public static String describe(Throwable e) {
        return Errors.describe(e);
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        return parseResult.hasMatchedOption("--verbose")
                || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
    }
}
