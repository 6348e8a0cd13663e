package io.github.attentionzoo.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import io.github.attentionzoo.zoo.AttentionZoo;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The int8 writer, its calibration ranges and the shipped int8 files' place in the zoo. */
class OnnxInt8ExportTest {

    @Test
    void rangesRoundTripExactlyAndBadFilesAreNamed(@TempDir Path dir) throws Exception {
        Map<String, float[]> r = new LinkedHashMap<>();
        r.put("input", new float[] {-2.0036705f, 2.1330314f});
        r.put("a/Relu", new float[] {0f, 12.280397f});
        ActivationRanges ranges = new ActivationRanges("minmax", 2000, 0, "CIFAR-10 training images", r);
        Path file = dir.resolve(ActivationRanges.FILE);
        ranges.write(file);
        ActivationRanges back = ActivationRanges.read(file);
        assertEquals(java.util.List.of("input", "a/Relu"), back.tensors());
        assertArrayEquals(r.get("input"), back.get("input"));
        assertEquals(2000, back.images);

        Files.writeString(file, "something else\n");
        assertTrue(assertThrows(IOException.class, () -> ActivationRanges.read(file)).getMessage()
                .contains("not an int8 ranges file"));
        Files.writeString(file, ActivationRanges.HEADER + "\nmethod minmax\nrange x 3 1\n");
        String message = assertThrows(IOException.class, () -> ActivationRanges.read(file)).getMessage();
        assertTrue(message.contains("line 3") && message.contains("MIN <= MAX"), message);
    }

    @Test
    void percentileClipsAnOutlierThatMinMaxKeeps() {
        float[] values = new float[100_001];
        for (int i = 0; i < 100_000; i++) {
            values[i] = i / 100_000f;
        }
        values[100_000] = 1000f;
        ActivationRanges.Collector minmax = new ActivationRanges.Collector(100);
        minmax.observe("t", values);
        assertArrayEquals(new float[] {0f, 1000f}, minmax.result(1, 0, "test").get("t"));
        ActivationRanges.Collector percentile = new ActivationRanges.Collector(99.99);
        percentile.observe("t", values);
        percentile.beginSecondPass();
        percentile.observe("t", values);
        ActivationRanges clipped = percentile.result(1, 0, "test");
        assertEquals("percentile 99.99", clipped.method);
        // 4096 bins over [0, 1000]: the bulk ends in the first bin, the outlier is cut off.
        assertEquals(0f, clipped.get("t")[0]);
        assertTrue(clipped.get("t")[1] < 1.5f, "max " + clipped.get("t")[1]);
    }

    @Test
    void zeroIsExactInEveryActivationScale() {
        float[] relu = OnnxInt8Export.uint8(0f, 2.55f);
        assertEquals(0.01f, relu[0], 1e-7);
        assertEquals(0f, relu[1]);
        float[] signed = OnnxInt8Export.uint8(-1f, 3f);
        assertEquals(64f, signed[1]);
        assertEquals(0f, Math.round(0f / signed[0]) + signed[1] - 64f);
        assertArrayEquals(new float[] {1f, 0f}, OnnxInt8Export.uint8(0f, 0f));
    }

    @Test
    void aRangeMeasuredOnAnotherNetworkIsRefusedByTensorName() throws Exception {
        ModelMetadata metadata = ModelMetadata.untrained("resnet20");
        try (Model model = ModelArtifacts.newModel(metadata, null)) {
            ModelArtifacts.initialize(model, 32);
            OnnxInt8Export.CalibrationModel calibration = OnnxInt8Export.calibrationModel(model.getBlock(),
                    new Shape(3, 32, 32));
            assertEquals("input", calibration.tensors().get(0));
            Map<String, float[]> r = new LinkedHashMap<>();
            for (String t : calibration.tensors()) {
                r.put(t, new float[] {-1f, 1f});
            }
            String missing = calibration.tensors().get(5);
            r.remove(missing);
            ActivationRanges ranges = new ActivationRanges("minmax", 1, 0, "test", r);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxInt8Export.toBytes(model.getBlock(), new Shape(3, 32, 32), Map.of(), ranges));
            assertTrue(e.getMessage().contains("'" + missing + "'"), e.getMessage());
        }
    }

    @Test
    void int8IsAskedForByFilterAndOnlyOnOnnxRuntime() throws Exception {
        assertTrue(Files.isRegularFile(PretrainedStore.install("se_resnet20").resolve(
                Precision.INT8.onnxName("se_resnet20"))), "the build makes the shipped int8 file");
        // By group and artifact the zoo's own loader answers, and says why.
        Criteria<Image, Classifications> pytorch = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optGroupId(AttentionZoo.GROUP_ID).optArtifactId("se_resnet20").optEngine("PyTorch")
                .optOption("precision", "int8").build();
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, pytorch::loadModel);
        String messages = e.getMessage() + " / " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(messages.contains("int8 on OnnxRuntime only"), messages);
        Criteria<Image, Classifications> fp16 = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/se_resnet20").optEngine("OnnxRuntime")
                .optFilter("precision", "fp16").build();
        assertThrows(ModelNotFoundException.class, fp16::loadModel);
    }
}
