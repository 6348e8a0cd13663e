package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.train.Checkpoints;
import io.github.attentionzoo.train.TrainingRun;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Recipe;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Damaged files are explained in the user's words, naming the file and, for metadata, the
 * directory; sizes read from a file are bounded before anything is allocated; data that would
 * silently mislabel (a class named twice, an empty class folder) is refused.
 */
class DamagedFilesTest extends ImportedModelTest {


    /** A refusal in the user's words: one line, and none of the engine's or the parser's. */
    static String fails(String... args) {
        String err = ImportedModelTest.fails(args);
        assertFalse(err.contains("Exception") || err.contains("BEGIN_OBJECT") || err.contains("alloc_cpu"), err);
        return err;
    }

    private static Path withMetadata(Path dir, String name, String json) throws Exception {
        Path copy = dir.resolve(name);
        CliSupport.copyDir(model, copy);
        Files.writeString(copy.resolve(ModelMetadata.FILE), json);
        return copy;
    }

    @Test
    void damagedMetadataIsExplainedNamingTheFile(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"[1, 2]", "must hold one JSON object, not an array"},
            {"{\"architecture\": \"se_resnet20\", \"inputSize\": \"big\"}", "'inputSize' must be a whole number from 8"},
            {"{\"architecture\": \"se_resnet20\", \"options\": {\"num_classes\": \"100000000000\"}}",
                "num_classes must be a whole number from 1 to 100000"},
            {"{\"architecture\": \"se_resnet20\", \"options\": {\"num_classes\": \"0\"}}",
                "num_classes must be a whole number from 1"},
            {"{\"architecture\": \"se_resnet21\"}", "unknown model 'se_resnet21'"},
            {"{\"architecture\": \"se_resnet20\", \"epochs\": 1.5}", "'epochs' must be a whole number"},
            {"{\"architecture\": ", "not valid JSON"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path d = withMetadata(dir, "m" + i++, c[0]);
            assertMentions(fails("predict", "--model-dir", d.toString(), d.resolve("x.png").toString()),
                    d.resolve(ModelMetadata.FILE).toString(), c[1]);
        }
    }

    @Test
    void truncatedParametersAreRefusedBeforeTheEngineReadsThem(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("cut");
        CliSupport.copyDir(model, d);
        Path params = ModelArtifacts.findParams(d, "se_resnet20");
        try (FileChannel ch = FileChannel.open(params, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertMentions(fails("export-torch", "--model-dir", d.toString(), "--output", dir.resolve("o.npz").toString()),
                params.toString(), "truncated");
        assertFalse(Files.exists(dir.resolve("o.npz")));
    }

    @Test
    void aClassNamedTwiceIsRefused(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("twice");
        CliSupport.copyDir(model, d);
        Files.writeString(d.resolve(ModelArtifacts.SYNSET),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\ncat\ntruck\n");
        Path cat = Path.of(System.getProperty("attentionzoo.project.dir", ".."), "examples", "consumer", "cat.png");
        assertMentions(fails("predict", "--model-dir", d.toString(), cat.toString()),
                d.resolve(ModelArtifacts.SYNSET).toString(), "'cat' appears more than once");
    }

    private static void image(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    @Test
    void anEmptyClassFolderOrTooFewImagesToHoldOneOutAreRefused(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            image(data.resolve("a").resolve(i + ".png"));
            image(data.resolve("b").resolve(i + ".png"));
        }
        Files.createDirectories(data.resolve("c"));
        assertMentions(fails("finetune", "--model", "se_resnet20", "--data", data.toString(), "--output",
                dir.resolve("out").toString()), data.resolve("c").toString(), "holds no PNG, JPEG, BMP or GIF images");
        image(data.resolve("c").resolve("0.png"));
        assertMentions(fails("finetune", "--model", "se_resnet20", "--data", data.toString(), "--output",
                dir.resolve("out").toString()), data.resolve("c").toString(), "at least 2 per class");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aDamagedNewestCheckpointIsRefusedNamingTheNewestIntactOne(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(64);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(3).batchSize(32).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        class Stop extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        ModelMetadata metadata = ModelMetadata.untrained("simple_cnn");
        try (var m = ModelArtifacts.newModel(metadata, null)) {
            TrainingRun run = new TrainingRun(m, metadata, recipe, train, test, "test", dir, false, 1)
                    .withLog(quiet, false).onEpoch(e -> {
                        if (e.epoch() == 2) {
                            throw new Stop();
                        }
                    });
            assertThrows(Stop.class, run::run);
        }
        Path newest = dir.resolve("checkpoints/epoch-0002");
        Path params = ModelArtifacts.findParams(newest, "simple_cnn");
        try (FileChannel ch = FileChannel.open(params, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Path intact = dir.resolve("checkpoints/epoch-0001");
        try (var m = ModelArtifacts.newModel(metadata, null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TrainingRun(m, metadata, recipe, train, test, "test", dir, true, 1).withLog(quiet, false)
                            .run());
            assertMentions(e.getMessage(), params.toString(), "--resume-from " + intact);
        }
        try (var m = ModelArtifacts.newModel(metadata, null)) {
            Checkpoints.State state = new TrainingRun(m, metadata, recipe, train, test, "test", dir, true, 1)
                    .withLog(quiet, false).withResumeFrom(intact).run();
            assertEquals(3, state.epoch);
        }
        assertTrue(new Checkpoints(dir).damage(dir.resolve("checkpoints/epoch-0003")) == null);
    }
}
