package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The front page says what the code does: its commands run, its "Use it from your project" blocks
 * are the consumer project that {@code examples/consumer/check.sh} builds and runs, its command
 * table lists every command there is, its zoo table states the accuracy each shipped model's
 * metadata states, and CI runs its test command.
 */
class ReadmeTest {

    private static final Path ROOT = Path.of("..");

    private static String readme;

    @BeforeAll
    static void read() throws Exception {
        readme = Files.readString(ROOT.resolve("README.md"));
    }

    /** The text of a {@code ## heading} section, up to the next one. */
    private static String section(String text, String heading) {
        int start = text.indexOf("\n## " + heading + "\n");
        assertTrue(start >= 0, "README has a section '## " + heading + "'");
        int end = text.indexOf("\n## ", start + 4);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** The fenced code blocks of one language in a text. */
    private static List<String> fenced(String text, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The lines strictly between the line holding {@code start} and the next holding {@code end}. */
    private static String between(Path file, String start, String end) throws Exception {
        String text = Files.readString(file);
        int from = text.indexOf('\n', text.indexOf(start)) + 1;
        int to = text.lastIndexOf('\n', text.indexOf(end, from));
        assertTrue(from > 0 && to > from, file + " marks its README part with '" + start + "' and '" + end + "'");
        return text.substring(from, to);
    }

    /** Code compared line by line, indentation aside. */
    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    @Test
    void theZooTableStatesEachShippedModelsAccuracy() throws Exception {
        String zoo = section(readme, "The zoo");
        int shipped = 0;
        for (String name : Architectures.names()) {
            ModelMetadata metadata = PretrainedStore.shippedMetadata(name);
            if (metadata == null) {
                continue;
            }
            shipped++;
            String row = zoo.lines().filter(l -> l.startsWith("| " + name + " |")).findFirst()
                    .orElseThrow(() -> new AssertionError("the zoo table has no row for " + name));
            String stated = String.format(Locale.ROOT, "| %.2f%% |", 100 * metadata.testAccuracy);
            assertTrue(row.contains(stated), name + "'s metadata states " + stated + ", the README's row says\n" + row);
        }
        assertTrue(shipped > 0, "at least one model ships weights");
    }

    @Test
    void theFrontPageStaysShort() throws Exception {
        assertTrue(readme.length() <= 15_000, "README.md has " + readme.length() + " characters, at most 15,000");
    }

    @Test
    void useItFromYourProjectIsTheConsumerProjectThatCiRuns() throws Exception {
        String use = section(readme, "Use it from your project");
        Path consumer = ROOT.resolve("examples/consumer");
        // Whole files, so that pasting the three blocks into an empty directory gives a building project.
        assertEquals(normalize(Files.readString(consumer.resolve("pom.xml"))), normalize(fenced(use, "xml").get(0)),
                "README's pom is examples/consumer/pom.xml");
        assertEquals(normalize(Files.readString(consumer.resolve("src/main/java/com/example/Classify.java"))),
                normalize(fenced(use, "java").get(0)), "README's Java is Classify.java");
        assertEquals(normalize(Files.readString(consumer.resolve("src/main/resources/simplelogger.properties"))),
                normalize(fenced(use, "properties").get(0)), "README's logging file is simplelogger.properties");
        assertTrue(use.contains("mvn compile exec:java -Dexec.mainClass=com.example.Classify -Dexec.args=cat.png"),
                "the command examples/consumer/check.sh runs");
    }

    @Test
    void theTestCommandIsWhatCiRuns() throws Exception {
        String commands = fenced(section(readme, "First commands"), "bash").get(0);
        String test = commands.lines().filter(l -> l.startsWith("mvn ") && !l.contains("attentionzoo.jar"))
                .findFirst().orElseThrow();
        assertTrue(Files.readString(ROOT.resolve(".ci/run")).contains(test), ".ci/run runs: " + test);
    }

    @Test
    void theFirstCommandRunsAndPrintsWhatTheReadmeSays() throws Exception {
        String commands = fenced(section(readme, "First commands"), "bash").get(0);
        String line = commands.lines().filter(l -> l.contains("attentionzoo.jar")).findFirst().orElseThrow();
        String[] args = line.substring(line.indexOf("attentionzoo.jar") + "attentionzoo.jar".length()).strip().split("\\s+");
        CliSupport.Result r = CliSupport.run(args);
        assertEquals(0, r.status(), r.err());
        Matcher accuracy = Pattern.compile("(?m)^accuracy: ([0-9.]+)$").matcher(r.out());
        assertTrue(accuracy.find() && Double.parseDouble(accuracy.group(1)) > 0.8,
                "a pretrained model's accuracy, which a user can judge:\n" + r.out());
    }

    @Test
    void theCommandTableListsEveryCommandAndEachAnswersHelp() throws Exception {
        Set<String> documented = new TreeSet<>();
        for (String row : section(readme, "Command line").lines().filter(l -> l.startsWith("| `")).toList()) {
            documented.add(row.substring(3, row.indexOf('`', 3)).split(" ")[0]);
        }
        Set<String> existing = new TreeSet<>(new CommandLine(new Main()).getSubcommands().keySet());
        assertEquals(existing, documented, "README's command table");
        for (String command : documented) {
            CliSupport.Result r = CliSupport.run(command, "--help");
            assertEquals(0, r.status(), command + " --help: " + r.err());
            assertTrue(r.out().contains("Usage: attentionzoo " + command), r.out());
        }
        assertTrue(Arrays.stream(new String[] {"docs/training.md", "docs/performance.md", "docs/attention.md",
            "docs/serving.md", "docs/reliability.md", "docs/pytorch-interop.md", "docs/scale.md",
            "docs/architecture.md", "CHANGELOG.md"})
                .allMatch(d -> readme.contains("(" + d + ")") && Files.isRegularFile(ROOT.resolve(d))),
                "README links every docs/ file, and each exists");
    }
}
