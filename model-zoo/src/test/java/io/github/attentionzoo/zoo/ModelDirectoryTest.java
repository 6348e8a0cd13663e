package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

class ModelDirectoryTest {

    private static final String SHIPPED = "simple_cnn";

    @Test
    void anOpenedDirectoryLoadsWithoutReadingItsMetadataOrBuildingItsNetworkAgain() throws Exception {
        Path path = PretrainedStore.install(SHIPPED);
        LoadCounts counts = LoadCounts.start();
        ModelDirectory dir = ModelDirectory.open(path);
        assertEquals(SHIPPED, dir.metadata().architecture());
        assertTrue(dir.hasParameters());
        assertTrue(dir.hasOnnx(Precision.FP32));
        assertTrue(dir.hasOnnx(Precision.INT8));
        assertEquals(CifarTranslator.CLASSES, dir.classNames());
        try (Model model = dir.load(ModelDirectory.PYTORCH, null)) {
            assertEquals("10", model.getProperty("attentionzoo.num_classes"));
        }
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "network builds");
        try (Model model = dir.load(ModelDirectory.ONNX_RUNTIME, null)) {
            assertNotNull(model.getBlock());
        }
        assertEquals(1, counts.parses(), "ONNX Runtime reads nothing again");
        assertEquals(1, counts.builds(), "nor builds a network");
    }

    @Test
    void criteriaOnADirectoryBuildsItsNetworkOnceThroughTheBlockFactory() throws Exception {
        Path path = PretrainedStore.install(SHIPPED);
        LoadCounts counts = LoadCounts.start();
        Criteria<Image, Classifications> criteria = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelPath(path).optTranslatorFactory(new CifarTranslatorFactory()).build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel()) {
            assertEquals(SHIPPED, model.getProperty("attentionzoo.architecture"));
        }
        // Was: metadata twice, network three times (a trial load that built a second one for its shapes).
        assertEquals(1, counts.parses(), "metadata parses");
        assertEquals(1, counts.builds(), "network builds");
    }

    @Test
    void aWarmInstallReadsNoMetadataAndHashesNothing() throws Exception {
        PretrainedStore.install(SHIPPED);
        LoadCounts counts = LoadCounts.start();
        Path dir = PretrainedStore.install(SHIPPED);
        assertEquals(0, counts.parses());
        // The build stamped the shipped files; an installed copy carries the same stamp.
        try (InputStream in = PretrainedStore.class.getResourceAsStream(PretrainedStore.RESOURCES + SHIPPED
                + "/.attentionzoo-weights")) {
            assertNotNull(in, "the build writes the weights' stamp into the jar");
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Files.readString(dir.resolve(".attentionzoo-weights")));
        }
    }

    @Test
    void anotherClassCountBuildsOneNetworkAndKeepsTheBackbone() throws Exception {
        ModelDirectory dir = ModelDirectory.open(PretrainedStore.install(SHIPPED));
        Map<String, float[]> before = new HashMap<>();
        try (Model model = dir.load(ModelDirectory.PYTORCH, null)) {
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                before.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        LoadCounts counts = LoadCounts.start();
        Pair<Model, ModelDescription> tuned = dir.loadWithClasses(3, null);
        try (Model model = tuned.getKey()) {
            assertEquals(3, tuned.getValue().numClasses());
            assertEquals("3", model.getProperty("attentionzoo.num_classes"));
            Set<String> head = ModelDirectory.headNames(model.getBlock());
            assertFalse(head.isEmpty());
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                float[] now = p.getValue().getArray().toFloatArray();
                if (head.contains(p.getKey())) {
                    assertEquals(3, p.getValue().getArray().getShape().get(0), p.getKey());
                } else {
                    assertArrayEquals(before.get(p.getKey()), now, 0f, p.getKey());
                }
            }
        }
        assertEquals(0, counts.parses());
        assertEquals(1, counts.builds());
    }

    @Test
    void aDescriptionIsImmutableAndReadsBackAsWritten() throws Exception {
        ModelDescription d = PretrainedStore.shippedDescription("se_resnet20");
        assertEquals(d, ModelDescription.parse(d.toJson(), "copy"));
        assertThrows(UnsupportedOperationException.class, () -> d.options().put("num_classes", "3"));
        ModelDescription three = d.withOption("num_classes", "3");
        assertEquals(3, three.numClasses());
        assertEquals(10, d.numClasses());
        assertEquals(d.recipe(), three.recipe());
        assertNotEquals(d, three);
        assertThrows(IllegalArgumentException.class, () -> d.withOption("num_classes", "0"));
        @SuppressWarnings("deprecation")
        ModelMetadata old = ModelMetadata.of(d);
        assertEquals(d.toJson(), old.toJson(), "the deprecated form writes the same file");
        assertEquals(d, old.toDescription());
    }

    @Test
    void aDirectoryIsRefusedOnceWithOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve(ModelDirectory.METADATA), "{\"architecture\": \"se_resnet20\", \"inputSize\": 2}");
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.open(tmp));
        assertEquals(tmp.resolve(ModelDirectory.METADATA) + ": 'inputSize' must be a whole number from 8 to 4,096, got 2",
                e.getMessage());
        IOException none = assertThrows(IOException.class, () -> ModelDirectory.open(tmp.resolve("absent")));
        assertTrue(none.getMessage().contains("not an attentionzoo model directory (no attentionzoo.json)"), none.getMessage());
    }
}
