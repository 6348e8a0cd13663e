package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.spark.CifarPngs;
import io.github.attentionzoo.spark.SparkTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classify command on Spark's local mode, in this JVM, over inputs and outputs reached through
 * links and files with names Spark's own sources hide or break on: every image file one row, and
 * nothing deleted that the command did not write.
 */
class SparkFileSafetyTest {

    private static final Pattern PATH = Pattern.compile("\"path\":\"([^\"]*)\"");

    private static Path dir;
    private static Path sample;

    /** What a run printed and returned. */
    private record Result(int status, String out, String err) {}

    @BeforeAll
    static void images() throws Exception {
        // The test JVM's logging starts here, not inside a run whose stderr a test reads (the command's own JVM
        // has a quiet configuration of its own, which ClassifyCommandIT checks).
        org.slf4j.LoggerFactory.getLogger(SparkFileSafetyTest.class);
        org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
        dir = SparkTestSupport.freshDir("spark-file-safety-test");
        sample = dir.resolve("sample");
        CifarPngs.write(SparkTestSupport.cifarSample(), sample, 3);
    }

    private static synchronized Result classify(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("classify", "--model", SparkTestSupport.MODEL, "--format", "json",
                "--progress", "0", "--conf", "spark.master=local[1]"));
        all.addAll(List.of(args));
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int status = Main.execute(all.toArray(String[]::new));
            return new Result(status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Three images in a new directory. */
    private static Path photos(Path where) throws Exception {
        Files.createDirectories(where);
        try (Stream<Path> files = Files.list(sample)) {
            for (Path f : files.toList()) {
                Files.copy(f, where.resolve(f.getFileName()));
            }
        }
        return where;
    }

    /** The file names of the rows an output holds, one entry per row. */
    private static List<String> rows(Path output) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    Matcher m = PATH.matcher(line);
                    assertTrue(m.find(), line);
                    names.add(m.group(1).substring(m.group(1).lastIndexOf('/') + 1));
                }
            }
        }
        return names.stream().sorted().toList();
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anOutputThroughALinkIntoTheInputIsRefusedAndNothingIsLost() throws Exception {
        Path photos = photos(dir.resolve("u1/photos"));
        Path alias = Files.createSymbolicLink(dir.resolve("u1/ualias"), photos);
        List<String> before = names(photos);
        String output = alias.resolve("sub").toString();
        Result r = classify("--input", photos.toString(), "--output", output, "--force");
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("error: --output " + output + ": lies inside the input " + photos + "; choose an output outside it",
                r.err().strip());
        assertEquals(before, names(photos));
        // The output itself a link to the input.
        r = classify("--input", photos.toString(), "--output", alias.toString(), "--force");
        assertEquals("error: --output " + alias + ": is the input " + photos + ", which writing it would replace;"
                + " choose another output path", r.err().strip());
        assertEquals(before, names(photos));
    }

    @Test
    void anInputThatReachesTheOutputThroughALinkIsRefused() throws Exception {
        Path photos = photos(dir.resolve("u2/photos"));
        Path output = dir.resolve("u2/classes");
        assertEquals(0, classify("--input", photos.toString(), "--output", output.toString()).status());
        List<String> written = names(output);
        Path link = Files.createSymbolicLink(photos.resolve("results"), output);
        Result r = classify("--input", photos.toString(), "--output", output.toString(), "--force");
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("error: --output " + output + ": the input " + photos + " reaches it through the link " + link
                + "; choose another output path", r.err().strip());
        assertEquals(written, names(output));
    }

    @Test
    void aLinkLoopListsEachImageOnce() throws Exception {
        Path photos = photos(dir.resolve("u3/photos"));
        Files.createDirectories(photos.resolve("sub"));
        Files.createSymbolicLink(photos.resolve("sub/loop"), Path.of(".."));
        Path output = dir.resolve("u3/classes");
        Result r = classify("--input", photos.toString(), "--output", output.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(names(sample), rows(output));
    }

    @Test
    void aLinkToAFileOutsideIsReadAndKeptAcrossForce() throws Exception {
        Path photos = photos(dir.resolve("u4/photos"));
        Path outside = Files.copy(sample.resolve(names(sample).get(0)), dir.resolve("u4/outside.png"));
        Files.createSymbolicLink(photos.resolve("linked.png"), outside);
        Path output = dir.resolve("u4/classes");
        assertEquals(0, classify("--input", photos.toString(), "--output", output.toString()).status());
        Result r = classify("--input", photos.toString(), "--output", output.toString(), "--force");
        assertEquals(0, r.status(), r.out() + r.err());
        List<String> expected = new ArrayList<>(names(sample));
        expected.add("linked.png");
        assertEquals(expected.stream().sorted().toList(), rows(output));
        assertTrue(Files.isRegularFile(outside), "the linked file is the user's");
        assertEquals(-1L, Files.mismatch(outside, sample.resolve(names(sample).get(0))));
    }

    @Test
    void forceReplacesOnlyAnEarlierOutputOfClassify() throws Exception {
        Path photos = photos(dir.resolve("u5/photos"));
        Path mine = Files.createDirectories(dir.resolve("u5/mine"));
        Files.writeString(mine.resolve("notes.txt"), "the user's");
        Result r = classify("--input", photos.toString(), "--output", mine.toString(), "--force");
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("error: --output " + mine + ": exists and is not an output of classify (it has no "
                + Locations.MARKER + " file); --force replaces only those, so choose another path", r.err().strip());
        assertEquals(List.of("notes.txt"), names(mine));
        // An earlier run that stopped half-way: its marker makes it classify's to replace.
        Path half = Files.createDirectories(dir.resolve("u5/half/_temporary/0"));
        Files.writeString(half.getParent().getParent().resolve(Locations.MARKER), "earlier run");
        r = classify("--input", photos.toString(), "--output", half.getParent().getParent().toString(), "--force");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(names(sample), rows(half.getParent().getParent()));
        assertTrue(Files.notExists(half.getParent()), "the earlier run's leftovers are gone");
    }

    @Test
    void everyImageNameGetsItsRow() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("u6/photos"));
        Files.createDirectories(photos.resolve("_raw"));
        Path image = sample.resolve(names(sample).get(0));
        for (String name : List.of("_DSC0010.png", "_raw/a.png", "12:30:00.png", "my photo #1.PNG", "100%.jpg",
                ".hidden.png")) {
            Files.copy(image, photos.resolve(name));
        }
        Path output = dir.resolve("u6/classes");
        Result r = classify("--input", photos.toString(), "--output", output.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("100%.jpg", "12:30:00.png", "_DSC0010.png", "a.png", "my photo #1.PNG"), rows(output));
        assertTrue(r.out().startsWith("classified 5 images"), r.out());
        // Named on its own, a file Spark would hide is read too.
        Path one = dir.resolve("u6/one");
        r = classify("--input", photos.resolve("_DSC0010.png").toString(), "--output", one.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("_DSC0010.png"), rows(one));
    }
}
