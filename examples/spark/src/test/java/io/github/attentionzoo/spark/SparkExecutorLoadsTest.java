package io.github.attentionzoo.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.ZooModel;
import io.github.attentionzoo.zoo.LoadCounts;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An executor's first load of a model reads its directory's metadata once and builds its network
 * once (it used to go through the block factory's trial load: metadata twice, network three
 * times, parameters twice), on the executor-side code Spark's tasks call.
 */
class SparkExecutorLoadsTest {

    /** A copy of the shipped model under a path no other test's executor cache holds. */
    private static Path copy(Path dir) throws Exception {
        Path installed = PretrainedStore.install(SparkTestSupport.MODEL);
        Files.createDirectories(dir);
        try (var files = Files.list(installed)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static String classify(ZooModel<Image, Classifications> model) throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        try (Predictor<Image, Classifications> p = model.newPredictor()) {
            return p.predict(ImageFactory.getInstance().fromImage(img)).best().getClassName();
        }
    }

    @Test
    void aModelDirectoryOnPyTorchIsReadOnceAndBuiltOnce(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp.resolve("torch"));
        LoadCounts counts = LoadCounts.start();
        ZooModel<Image, Classifications> model = ExecutorModels.get(new ModelSource(null, dir.toString(), "PyTorch"), null);
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "network builds");
        assertTrue(io.github.attentionzoo.zoo.CifarTranslator.CLASSES.contains(classify(model)));
        // Every later task shares it.
        ExecutorModels.get(new ModelSource(null, dir.toString(), "PyTorch"), null);
        assertEquals(1, counts.parses());
        assertEquals(1, counts.builds());
    }

    @Test
    void aModelDirectoryOnOnnxRuntimeIsReadOnceAndBuildsNoNetwork(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp.resolve("onnx"));
        LoadCounts counts = LoadCounts.start();
        ZooModel<Image, Classifications> model = ExecutorModels.get(new ModelSource(null, dir.toString(), "OnnxRuntime"), null);
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(0, counts.builds(), "the .onnx is the network");
        assertTrue(io.github.attentionzoo.zoo.CifarTranslator.CLASSES.contains(classify(model)));
    }
}
