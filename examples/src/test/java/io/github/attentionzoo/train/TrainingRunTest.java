package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.data.CifarRecords;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

class TrainingRunTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static Checkpoints.State train(String arch, Recipe recipe, CifarRecords train, CifarRecords test,
            Path out, boolean resume, int stopAfter) throws Exception {
        ModelMetadata metadata = ModelMetadata.untrained(arch);
        try (Model model = ModelArtifacts.newModel(metadata, null)) {
            TrainingRun run = new TrainingRun(model, metadata, recipe, train, test, "test data", out, resume, 1)
                    .withLog(QUIET, false);
            if (stopAfter > 0) {
                run.onEpoch(m -> {
                    if (m.epoch() == stopAfter) {
                        throw new StopHere();
                    }
                });
            }
            return run.run();
        }
    }

    /** Simulates a run that is stopped right after a checkpoint. */
    static final class StopHere extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static List<float[]> parameters(Path modelDir) throws Exception {
        List<float[]> values = new ArrayList<>();
        try (Model model = ModelArtifacts.load(modelDir, null)) {
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                values.add(p.getValue().getArray().toFloatArray());
            }
        }
        return values;
    }

    @Test
    void twoEpochsOnAFewHundredImagesLowerTheLoss(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(384);
        CifarRecords test = CifarRecords.embedded(false).limit(200);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(2).batchSize(32).build();
        Checkpoints.State state = train("simple_cnn", recipe, train, test, dir, false, 0);
        assertEquals(2, state.history.size());
        assertTrue(state.history.get(1).trainLoss() < state.history.get(0).trainLoss(),
                "loss " + state.history.get(0).trainLoss() + " -> " + state.history.get(1).trainLoss());
        assertTrue(Files.isRegularFile(dir.resolve("metrics.csv")));
        assertTrue(Files.size(dir.resolve("curves.png")) > 1000);
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(3, csv.size());
        assertEquals(EpochMetrics.HEADER, csv.get(0));
        ModelMetadata written = ModelMetadata.read(dir.resolve("model"));
        assertEquals(2, written.epochs);
        assertEquals(state.history.get(1).testAccuracy(), written.testAccuracy, 1e-9);
    }

    @Test
    void theSeedMakesAFreshRunRepeatable(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(64);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(1).batchSize(32).build();
        // Whatever the engine's generator drew before, the run's own seed decides its initial weights.
        Engine.getInstance().setRandomSeed(3);
        train("simple_cnn", recipe, train, test, dir.resolve("a"), false, 0);
        Engine.getInstance().setRandomSeed(4);
        train("simple_cnn", recipe, train, test, dir.resolve("b"), false, 0);
        List<float[]> a = parameters(dir.resolve("a").resolve("model"));
        List<float[]> b = parameters(dir.resolve("b").resolve("model"));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "parameter " + i);
        }
    }

    @Test
    void resumeAfterAStopGivesTheSameParametersAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(192);
        CifarRecords test = CifarRecords.embedded(false).limit(64);
        Recipe recipe = Architectures.spec("resnet20").recipe().toBuilder().epochs(3).batchSize(64).lr(0.05f).build();
        Path straight = dir.resolve("straight");
        train("resnet20", recipe, train, test, straight, false, 0);
        Path stopped = dir.resolve("stopped");
        assertThrows(StopHere.class, () -> train("resnet20", recipe, train, test, stopped, false, 1));
        assertTrue(Files.notExists(stopped.resolve("model")));
        Checkpoints.State resumed = train("resnet20", recipe, train, test, stopped, true, 0);
        assertEquals(3, resumed.epoch);
        assertEquals(3, resumed.history.size());
        List<float[]> a = parameters(straight.resolve("model"));
        List<float[]> b = parameters(stopped.resolve("model"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 1e-6f, "parameter " + i);
        }
    }

    @Test
    void aWeightAveragingRunResumesBitForBitAndSavesTheAverageItEvaluates(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(192);
        CifarRecords test = CifarRecords.embedded(false).limit(64);
        Recipe recipe = Architectures.recipe("resnet20", Architectures.FAST_RECIPE).toBuilder().epochs(2).batchSize(64)
                .ema(0.9f).build();
        Path straight = dir.resolve("straight");
        Checkpoints.State whole = train("resnet20", recipe, train, test, straight, false, 0);
        Path stopped = dir.resolve("stopped");
        assertThrows(StopHere.class, () -> train("resnet20", recipe, train, test, stopped, false, 1));
        Checkpoints.State resumed = train("resnet20", recipe, train, test, stopped, true, 0);
        for (int e = 0; e < 2; e++) {
            EpochMetrics x = whole.history.get(e);
            EpochMetrics y = resumed.history.get(e);
            assertEquals(List.of(x.trainLoss(), x.testLoss(), x.testAccuracy()),
                    List.of(y.trainLoss(), y.testLoss(), y.testAccuracy()), "epoch " + (e + 1));
        }
        List<float[]> a = parameters(straight.resolve("model"));
        List<float[]> b = parameters(stopped.resolve("model"));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "parameter " + i);
        }
        Path last = new Checkpoints(straight).latest();
        try (Model model = ModelArtifacts.load(last, null)) {
            // The checkpoint's model is the average its epoch was scored with ...
            double accuracy = Evaluation.accuracy(Evaluation.confusion(model, test, 64, 10));
            assertEquals(whole.history.get(1).testAccuracy(), accuracy, 1e-9);
            // ... and the trained weights, which differ from it, are kept beside it for a resume.
            ai.djl.ndarray.NDList trained = Checkpoints.readTrained(last, model.getNDManager());
            List<float[]> saved = parameters(last);
            assertEquals(saved.size(), trained.size());
            boolean differ = false;
            for (int i = 0; i < saved.size(); i++) {
                differ |= !java.util.Arrays.equals(saved.get(i), trained.get(i).toFloatArray());
            }
            assertTrue(differ, "the average equals the trained weights");
        }
        assertEquals(a.size(), parameters(last).size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), parameters(last).get(i), "the final model is the last checkpoint's average");
        }
    }

    @Test
    void everyCheckpointIsAModelDirectoryAndOldBareCheckpointsStillResume(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(128);
        CifarRecords test = CifarRecords.embedded(false).limit(64);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(2).batchSize(32).build();
        assertThrows(StopHere.class, () -> train("simple_cnn", recipe, train, test, dir, false, 1));
        Path checkpoint = new Checkpoints(dir).latest();
        Checkpoints.State state = Checkpoints.readState(checkpoint);
        ModelMetadata written = ModelMetadata.read(checkpoint);
        assertEquals(1, written.epochs);
        assertEquals(state.history.get(0).testAccuracy(), written.testAccuracy);
        assertTrue(Files.isRegularFile(checkpoint.resolve(ModelArtifacts.SERVING_PROPERTIES)));
        Path params = ModelArtifacts.findParams(checkpoint, "simple_cnn");
        try (Model model = ModelArtifacts.load(checkpoint, null);
                DataOutputStream bare = new DataOutputStream(
                        Files.newOutputStream(checkpoint.resolve("model.params")))) {
            // The layout of checkpoints written before they were model directories.
            model.getBlock().saveParameters(bare);
        }
        Files.delete(params);
        Files.delete(checkpoint.resolve(ModelMetadata.FILE));
        Checkpoints.State resumed = train("simple_cnn", recipe, train, test, dir, true, 0);
        assertEquals(2, resumed.history.size());
        assertEquals(state.history.get(0), resumed.history.get(0));
    }

    @Test
    void theRecordedTestAccuracyIsTheCheckpointsAccuracy(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(384);
        CifarRecords test = CifarRecords.embedded(false).limit(500);
        Recipe recipe = Architectures.spec("resnet20").recipe().toBuilder().epochs(2).batchSize(64).build();
        Checkpoints.State state = train("resnet20", recipe, train, test, dir, false, 0);
        for (int epoch = 1; epoch <= 2; epoch++) {
            Path checkpoint = dir.resolve("checkpoints").resolve(String.format("epoch-%04d", epoch));
            try (Model model = ModelArtifacts.load(checkpoint, null)) {
                double accuracy = Evaluation.accuracy(Evaluation.confusion(model, test, 64, 10));
                assertEquals(state.history.get(epoch - 1).testAccuracy(), accuracy, 1e-9, "epoch " + epoch);
            }
        }
    }

    @Test
    void aFrozenBackboneStaysAsItWasAndTheHeadLearns(@TempDir Path dir) throws Exception {
        // Only a softmax head trains: its gradients sum to zero up to rounding, which DJL's first-step
        // check refuses unless the run lets the backbone take that step at a rate of 0.
        CifarRecords train = CifarRecords.embedded(true).limit(64);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(2).batchSize(32).build();
        ModelMetadata metadata = ModelMetadata.untrained("simple_cnn");
        try (Model model = ModelArtifacts.newModel(metadata, null)) {
            ModelArtifacts.initialize(model, 32);
            var params = model.getBlock().getParameters();
            String head = params.get(params.size() - 1).getKey().replaceAll("_[^_]+$", "");
            java.util.Set<String> backbone = new java.util.HashSet<>();
            java.util.Map<String, float[]> before = new java.util.HashMap<>();
            for (var p : params) {
                before.put(p.getKey(), p.getValue().getArray().toFloatArray());
                if (!p.getKey().startsWith(head)) {
                    backbone.add(p.getKey());
                }
            }
            new TrainingRun(model, metadata, recipe, train, test, "test data", dir, false, 1)
                    .withLog(QUIET, false).withFrozen(backbone).run();
            for (var p : model.getBlock().getParameters()) {
                boolean same = java.util.Arrays.equals(before.get(p.getKey()), p.getValue().getArray().toFloatArray());
                assertEquals(backbone.contains(p.getKey()), same, p.getKey());
            }
        }
    }

    @Test
    void resumingWithAnotherRecipeIsRefused(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(64);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(2).batchSize(32).build();
        assertThrows(StopHere.class, () -> train("simple_cnn", recipe, train, test, dir, false, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train("simple_cnn", recipe.toBuilder().epochs(5).build(), train, test, dir, true, 0));
        assertTrue(e.getMessage().contains("pass the same flags"), e.getMessage());
        IllegalArgumentException otherData = assertThrows(IllegalArgumentException.class,
                () -> train("simple_cnn", recipe, train.limit(32), test, dir, true, 0));
        assertTrue(otherData.getMessage().contains("took 2 steps in 1 epochs")
                && otherData.getMessage().contains("32 training images give 1 steps"), otherData.getMessage());
        IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
                () -> train("simple_cnn", recipe, train, test, dir, false, 0));
        assertTrue(fresh.getMessage().contains("pass --resume to continue it"), fresh.getMessage());
    }

    @Test
    void divergingLossStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(256);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe good = Architectures.spec("resnet20").recipe().toBuilder().epochs(1).batchSize(64).lr(0.01f).build();
        train("resnet20", good, train, test, dir.resolve("a"), false, 0);
        Recipe exploding = Architectures.spec("resnet20").recipe().toBuilder().epochs(4).batchSize(64).lr(1e12f).schedule(Recipe.Schedule.CONSTANT).build();
        ai.djl.TrainingDivergedException e = assertThrows(ai.djl.TrainingDivergedException.class,
                () -> train("resnet20", exploding, train, test, dir.resolve("b"), false, 0));
        assertTrue(e.getMessage().contains("loss became"), e.getMessage());
        Checkpoints checkpoints = new Checkpoints(dir.resolve("b"));
        for (Path p : checkpoints.list()) {
            Checkpoints.State s = Checkpoints.readState(p);
            assertTrue(s.history.stream().allMatch(m -> Double.isFinite(m.trainLoss())));
        }
    }

    @Test
    void aCheckpointWrittenBeforeRecipesWereDataStillResumes(@TempDir Path dir) throws Exception {
        CifarRecords train = CifarRecords.embedded(true).limit(64);
        CifarRecords test = CifarRecords.embedded(false).limit(32);
        Recipe recipe = Architectures.spec("simple_cnn").recipe().toBuilder().epochs(2).batchSize(32).build();
        assertThrows(StopHere.class, () -> train("simple_cnn", recipe, train, test, dir, false, 1));
        // The form 0.1.0 wrote: the recipe as text in state.json and attentionzoo.json.
        Path checkpoint = dir.resolve("checkpoints/epoch-0001");
        com.google.gson.JsonObject state = com.google.gson.JsonParser.parseString(
                Files.readString(checkpoint.resolve(Checkpoints.STATE))).getAsJsonObject();
        state.addProperty("recipe", recipe.toString().replace("lr=0.003", "lr=0.00300000"));
        Files.writeString(checkpoint.resolve(Checkpoints.STATE), state.toString());
        com.google.gson.JsonObject meta = com.google.gson.JsonParser.parseString(
                Files.readString(checkpoint.resolve(ModelMetadata.FILE))).getAsJsonObject();
        meta.addProperty("recipe", recipe + "; trained with the Java trainer");
        Files.writeString(checkpoint.resolve(ModelMetadata.FILE), meta.toString());
        assertEquals(recipe, ModelMetadata.read(checkpoint).recipe);
        Checkpoints.State done = train("simple_cnn", recipe, train, test, dir, true, 0);
        assertEquals(2, done.epoch);
    }
}
