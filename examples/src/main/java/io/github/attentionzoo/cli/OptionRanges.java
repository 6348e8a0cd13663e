package io.github.attentionzoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.Locale;
import java.util.Map;

/**
 * The range a real run can use for every numeric option, checked for all commands at once after
 * parsing and before any work starts, so that {@code --batch-size 2147483647}, {@code --threads
 * 10000} or {@code --seconds NaN} is refused with the range in the message instead of reaching the
 * engine. An empty value ({@code --model-dir ''}) is refused the same way, for every option and
 * argument: as a path it would name the working directory, and a message would blame no option.
 */
final class OptionRanges {

    /** A closed range, or half-open at the bottom when {@code minExclusive}; whole numbers when {@code whole}. */
    private record Range(double min, double max, boolean minExclusive, boolean maxExclusive, boolean whole) {

        boolean holds(double v) {
            return (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max)
                    && (!whole || v == Math.rint(v));
        }

        @Override
        public String toString() {
            String lo = number(min);
            String hi = number(max);
            if (whole) {
                return "a whole number from " + lo + " to " + hi;
            }
            return "a number " + (minExclusive ? "above " + lo : "from " + lo) + (maxExclusive ? " and below " : " to ")
                    + hi;
        }

        private static String number(double v) {
            return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : Double.toString(v);
        }
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static final Map<String, Range> RANGES = Map.ofEntries(
            Map.entry("--batch-size", whole(1, 65_536)),
            Map.entry("--threads", whole(1, 4 * CORES)),
            Map.entry("--seconds", new Range(0, 86_400, true, false, false)),
            Map.entry("--epochs", whole(1, 100_000)),
            Map.entry("--lr", new Range(0, 10, true, false, false)),
            Map.entry("--weight-decay", new Range(0, 1, false, false, false)),
            Map.entry("--label-smoothing", new Range(0, 1, false, true, false)),
            Map.entry("--cutout", whole(0, 1024)),
            Map.entry("--limit", whole(1, 1_000_000_000)),
            Map.entry("--num-classes", whole(1, 100_000)),
            Map.entry("--reduction", whole(1, 4096)),
            Map.entry("--se-min-hidden", whole(1, 4096)),
            Map.entry("--input-size", whole(8, 2048)),
            Map.entry("--infer", whole(0, 100_000_000)),
            Map.entry("--train", whole(0, 100_000_000)),
            Map.entry("--every", whole(1, 100_000_000)),
            Map.entry("--progress", whole(0, 86_400)));

    private OptionRanges() {}

    private static Range whole(long min, long max) {
        return new Range(min, max, false, false, true);
    }

    /**
     * Checks every numeric option the user gave, in the command and its parents.
     *
     * @param parse the parse result
     * @throws CommandLine.ParameterException naming the option, the value and its range
     */
    static void check(ParseResult parse) {
        for (ParseResult p = parse; p != null; p = p.subcommand()) {
            for (OptionSpec option : p.matchedOptions()) {
                if (option.arity().max() > 0 && option.originalStringValues().contains("")) {
                    throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
                            option.longestName() + " '': empty; give a value");
                }
            }
            for (PositionalParamSpec positional : p.matchedPositionals()) {
                if (positional.originalStringValues().contains("")) {
                    throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
                            positional.paramLabel() + " '': empty; give a value");
                }
            }
            for (OptionSpec option : p.matchedOptions()) {
                Range range = RANGES.get(option.longestName());
                Object value = option.getValue();
                if (range != null && value instanceof Number n && !range.holds(n.doubleValue())) {
                    throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
                            option.longestName() + " " + String.join(" ", option.originalStringValues())
                                    + ": out of range; give " + range);
                }
            }
        }
    }
}
