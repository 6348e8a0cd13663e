package io.github.attentionzoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The root of an attentionzoo command line (the CLI's and the Spark command's): it holds the
 * {@code --verbose} option every subcommand inherits and prints the usage when run without a
 * subcommand; {@link #launch} runs it through {@link Launcher}.
 */
public abstract class RootCommand implements Runnable {

    /** Whether errors show their stack trace. */
    @Option(names = "--verbose", description = "Print stack traces with errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @Spec CommandSpec spec;

    /** Creates the root; subclasses carry the {@code @Command} annotation. */
    protected RootCommand() {}

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Parses, checks and runs a command line rooted at {@code root} (see {@link Launcher#execute}).
     *
     * @param root a new root command
     * @param args the arguments
     * @return 0 on success, 1 on an error while running, 2 on bad arguments
     */
    protected static int launch(RootCommand root, String... args) {
        CommandLine cli = new CommandLine(root);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return Launcher.execute(cli, args);
    }
}
