package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped models by name on ONNX Runtime, through {@code Criteria} as a user loads them, without
 * libtorch: this JVM never starts the PyTorch engine (tagged own-jvm, surefire gives it a JVM of its own).
 */
@Tag("own-jvm")
class OnnxRuntimeZooTest {

    static List<Image> embeddedTestImages(int n) throws IOException {
        Path file = Path.of(System.getProperty("attentionzoo.project.dir", ".."), "examples", "src", "main",
                "resources", "cifar10-sample", "test_batch.bin");
        List<Image> images = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (int i = 0; i < n; i++) {
                byte[] r = in.readNBytes(3073);
                BufferedImage b = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int p = 0; p < 1024; p++) {
                    int rgb = (r[1 + p] & 0xff) << 16 | (r[1 + 1024 + p] & 0xff) << 8 | r[1 + 2048 + p] & 0xff;
                    b.setRGB(p % 32, p / 32, rgb);
                }
                images.add(ImageFactory.getInstance().fromImage(b));
            }
        }
        return images;
    }

    static Criteria<Image, Classifications> criteria(String name, String engine) {
        return Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/" + name).optEngine(engine).build();
    }

    @Test
    void theShippedModelClassifiesByNameWithoutStartingLibtorch() throws Exception {
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        List<Image> images = embeddedTestImages(100);
        try (ZooModel<Image, Classifications> model = criteria("se_resnet20", "OnnxRuntime").loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            assertEquals("OnnxRuntime", model.getNDManager().getEngine().getEngineName());
            List<Classifications> batched = predictor.batchPredict(images);
            int cats = 0;
            for (int i = 0; i < images.size(); i++) {
                Classifications one = predictor.predict(images.get(i));
                assertEquals(one.best().getClassName(), batched.get(i).best().getClassName());
                assertEquals(one.best().getProbability(), batched.get(i).best().getProbability(), 1e-4);
                assertEquals(10, one.items().size());
                cats += one.best().getClassName().equals("cat") ? 1 : 0;
            }
            assertTrue(cats > 0 && cats < 100, "a spread of classes, not one answer: " + cats + " cats");
        }
        // A model directory holding a .onnx loads the same way, by path (naming the zoo's translator:
        // for Image -> Classifications, DJL does not take it from the directory's serving.properties).
        Criteria<Image, Classifications> byPath = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelPath(PretrainedStore.install("se_resnet20")).optEngine("OnnxRuntime")
                .optTranslatorFactory(new CifarTranslatorFactory()).build();
        try (ZooModel<Image, Classifications> model = byPath.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            assertEquals("OnnxRuntime", model.getNDManager().getEngine().getEngineName());
            assertEquals(10, predictor.predict(images.get(0)).items().size());
        }
        // int8 is asked for by filter, as DJL's zoos pick an artifact's variants, and classifies as fp32 does.
        Criteria<Image, Classifications> int8 = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/se_resnet20").optEngine("OnnxRuntime")
                .optFilter(Precision.KEY, "int8").build();
        try (ZooModel<Image, Classifications> quantized = int8.loadModel();
                ZooModel<Image, Classifications> model = criteria("se_resnet20", "OnnxRuntime").loadModel();
                Predictor<Image, Classifications> q = quantized.newPredictor();
                Predictor<Image, Classifications> f = model.newPredictor()) {
            List<Classifications> a = q.batchPredict(images);
            List<Classifications> b = f.batchPredict(images);
            int same = 0;
            for (int i = 0; i < images.size(); i++) {
                same += a.get(i).best().getClassName().equals(b.get(i).best().getClassName()) ? 1 : 0;
            }
            assertTrue(same >= 95, "int8 agrees with fp32 on " + same + " of 100 images");
        }
        assertFalse(Files.readString(Path.of("/proc/self/maps")).contains("libtorch"),
                "ONNX Runtime's path loaded libtorch");
    }
}
