package io.github.attentionzoo.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.stream.Collectors;

/** The command line a model directory records as the command that made it. */
final class CommandLines {

    private CommandLines() {}

    /** The whole command as the user typed it, quoted where a shell would need it. */
    static String of(CommandSpec spec) {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return "java -jar attentionzoo.jar " + args.stream().map(CommandLines::quoted).collect(Collectors.joining(" "));
    }

    private static String quoted(String arg) {
        return arg.matches("[\\w@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
