package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class ZooTest {

    /** A model whose weights ship with the zoo (the seed network, quick to train). */
    private static final String SHIPPED = "simple_cnn";

    static byte[] png(int width, int height, int type) throws Exception {
        BufferedImage img = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, (0xff << 24) | ((x * 7) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x + y) & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static Image image() throws Exception {
        return ImageFactory.getInstance().fromInputStream(new java.io.ByteArrayInputStream(
                png(32, 32, BufferedImage.TYPE_INT_RGB)));
    }

    @Test
    void everyArchitectureIsListedUnderTheGroup() {
        Map<Application, List<MRL>> models = ModelZoo.listModels(
                Criteria.builder().optGroupId(AttentionZoo.GROUP_ID).build());
        List<String> names = models.values().stream().flatMap(List::stream)
                .filter(m -> m.getGroupId().equals(AttentionZoo.GROUP_ID))
                .map(MRL::getArtifactId).collect(Collectors.toList());
        assertTrue(names.containsAll(Architectures.names()), names.toString());
        assertNotNull(ModelZoo.getModelZoo(AttentionZoo.GROUP_ID));
    }

    @Test
    void untrainedModelOfAnySizeLoadsByGroupAndArtifact() throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId("se_resnet20")
                .optOption("pretrained", "false")
                .optArgument("num_classes", 7)
                .build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Classifications c = predictor.predict(image());
            assertEquals(5, c.topK(5).size());
            assertTrue(c.best().getClassName().startsWith("class_"), c.best().getClassName());
            double total = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, total, 1e-4);
        }
    }

    @Test
    void pretrainedModelLoadsByGroupAndArtifact() throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId(SHIPPED).build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Classifications c = predictor.predict(image());
            assertTrue(CifarTranslator.CLASSES.contains(c.best().getClassName()));
        }
        ModelMetadata shipped = PretrainedStore.shippedMetadata(SHIPPED);
        assertNotNull(shipped.testAccuracy, "shipped weights state their measured accuracy");
        assertTrue(shipped.epochs > 0 && shipped.recipe != null);
    }

    @Test
    void flipTestTimeAugmentationAveragesEachImageWithItsMirrorImage() throws Exception {
        Image image = image();
        BufferedImage mirror = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        BufferedImage original = (BufferedImage) image.getWrappedImage();
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                mirror.setRGB(31 - x, y, original.getRGB(x, y));
            }
        }
        Criteria.Builder<Image, Classifications> base = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId("se_resnet20").optArgument("topK", 10);
        try (ZooModel<Image, Classifications> plain = base.build().loadModel();
                ZooModel<Image, Classifications> flip = base.optArgument(FlipAveraging.ARGUMENT, "flip").build().loadModel();
                Predictor<Image, Classifications> p = plain.newPredictor();
                Predictor<Image, Classifications> f = flip.newPredictor()) {
            Classifications a = p.predict(image);
            Classifications b = p.predict(ImageFactory.getInstance().fromImage(mirror));
            // Averaged logits give probabilities proportional to the geometric mean of the two images'.
            double[] expected = new double[10];
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                String name = CifarTranslator.CLASSES.get(c);
                expected[c] = Math.sqrt(a.get(name).getProbability() * b.get(name).getProbability());
                sum += expected[c];
            }
            List<Classifications> both = f.batchPredict(List.of(image, image));
            for (Classifications got : List.of(f.predict(image), both.get(0), both.get(1))) {
                for (int c = 0; c < 10; c++) {
                    String name = CifarTranslator.CLASSES.get(c);
                    assertEquals(expected[c] / sum, got.get(name).getProbability(), 1e-4, name);
                }
            }
            assertTrue(Math.abs(a.best().getProbability() - f.predict(image).get(a.best().getClassName())
                    .getProbability()) > 1e-4, "the mirror image changes the answer, so the average is seen");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlipAveraging.requested(Map.of(FlipAveraging.ARGUMENT, "rotate")));
        assertTrue(e.getMessage().contains("tta: use none or flip"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4, 2, 1, 4, 3}, FlipAveraging.withMirrors(new float[] {1, 2, 3, 4}, 1, 2));
        assertArrayEquals(new float[] {2, 3}, FlipAveraging.average(new float[] {1, 2, 3, 4}, 1, 2));
    }

    @Test
    void pretrainedModelLoadsByDjlUrl() throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/" + SHIPPED).build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Classifications c = predictor.predict(image());
            assertTrue(CifarTranslator.CLASSES.contains(c.best().getClassName()));
        }
    }

    @Test
    void inputOutputServesJsonForPngBytesLikeDjlServing() throws Exception {
        for (Criteria<Input, Output> criteria : List.of(
                Criteria.builder().setTypes(Input.class, Output.class)
                        .optGroupId(AttentionZoo.GROUP_ID).optArtifactId(SHIPPED).build(),
                Criteria.builder().setTypes(Input.class, Output.class)
                        .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/" + SHIPPED).build())) {
            try (ZooModel<Input, Output> model = criteria.loadModel();
                    Predictor<Input, Output> predictor = model.newPredictor()) {
                Input input = new Input();
                input.add(png(64, 48, BufferedImage.TYPE_INT_ARGB));
                Output output = predictor.predict(input);
                assertEquals(200, output.getCode(), output.getMessage());
                String json = new String(output.getData().getAsBytes(), StandardCharsets.UTF_8);
                assertTrue(json.contains("\"className\"") && json.contains("\"probability\""), json);
                assertTrue(CifarTranslator.CLASSES.stream().anyMatch(json::contains), json);
            }
        }
    }

    @Test
    void missingWeightsAreAClearErrorNeverRandomWeights() {
        String name = "se_resnet110";
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId(name).build();
        if (PretrainedStore.hasWeights(name)) {
            return;
        }
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, criteria::loadModel);
        String messages = e.getMessage() + " / " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(messages.contains("no pretrained weights ship for 'se_resnet110'"), messages);
    }

    @Test
    void unknownModelNameIsNotFound() {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId("se_resnet21").build();
        assertThrows(ModelNotFoundException.class, criteria::loadModel);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedStore.install("se_resnet21"));
        assertTrue(e.getMessage().contains("known models"), e.getMessage());
    }

    @Test
    void onnxRuntimeIsRefusedInOneLineForUntrainedModelsAndOtherEnginesAltogether() {
        Exception untrained = assertThrows(Exception.class,
                () -> OnnxRuntimeZooTest.criteria("se_resnet110", "OnnxRuntime").loadModel());
        assertTrue(untrained.getMessage().contains("se_resnet110 ships no weights"), untrained.getMessage());
        assertEquals(1, untrained.getMessage().lines().count());
        Exception other = assertThrows(Exception.class,
                () -> OnnxRuntimeZooTest.criteria("se_resnet20", "TensorFlow").loadModel());
        assertFalse(other.getMessage().isEmpty());
    }
}
