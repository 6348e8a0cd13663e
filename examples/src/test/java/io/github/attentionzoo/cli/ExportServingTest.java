package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.attentionzoo.zoo.CifarTranslator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** An exported directory loads the way DJL Serving loads it: Criteria, Input/Output, no translator. */
class ExportServingTest {

    @Test
    void exportedDirectoryServesPngBytesAsJson(@TempDir Path dir) throws Exception {
        Path served = dir.resolve("served");
        Properties props = exportSeResNet20(dir, served);
        assertEquals("PyTorch", props.getProperty("engine"));

        Input input = pngRequest(new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY));
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelPath(served).build();
        try (ZooModel<Input, Output> model = criteria.loadModel();
                Predictor<Input, Output> predictor = model.newPredictor()) {
            Output output = predictor.predict(input);
            assertEquals(200, output.getCode(), output.getMessage());
            String json = new String(output.getData().getAsBytes(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"className\"") && json.contains("\"probability\""), json);
            assertTrue(io.github.attentionzoo.zoo.CifarTranslator.CLASSES.stream().anyMatch(json::contains), json);
        }
    }

    /**
     * Loads the exported directory as DJL Serving's {@code ModelInfo.load} builds its Criteria (the
     * directory as a file URL, serving.properties split into arguments and {@code option.*}
     * options, no model name of its own, {@code batchifier=stack} when a model's batch_size is above
     * 1) and sends a dynamic batch of three requests; each answer must match the one the request
     * gets alone (the same classes, probabilities within 1e-5). The directory is not named after the model, as a user's {@code
     * /srv/models/NAME} need not be: {@code option.modelName} names the parameter file.
     */
    @Test
    void loadsAsDjlServingLoadsItAndAnswersDynamicBatches(@TempDir Path dir) throws Exception {
        Path served = dir.resolve("my-classifier");
        Properties props = exportSeResNet20(dir, served);
        // What a user adds to serving.properties for dynamic batching reaches the Criteria too.
        props.setProperty("batch_size", "8");
        props.setProperty("max_batch_delay", "100");
        Map<String, Object> arguments = new HashMap<>();
        Map<String, String> options = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("option.")) {
                options.put(key.substring("option.".length()), props.getProperty(key));
            } else {
                arguments.put(key, props.getProperty(key));
            }
        }
        arguments.put("batchifier", "stack");
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelUrls(served.toUri().toURL().toString())
                .optEngine(props.getProperty("engine"))
                .optArguments(arguments)
                .optOptions(options)
                .build();
        List<Input> requests = List.of(checkerboard(0x000000), checkerboard(0x3366cc), checkerboard(0xffd700));
        try (ZooModel<Input, Output> model = criteria.loadModel();
                Predictor<Input, Output> predictor = model.newPredictor()) {
            List<Output> batched = predictor.batchPredict(requests);
            assertEquals(requests.size(), batched.size());
            for (int i = 0; i < requests.size(); i++) {
                Output alone = predictor.predict(requests.get(i));
                assertEquals(200, batched.get(i).getCode(), batched.get(i).getMessage());
                JsonArray got = classifications(batched.get(i));
                JsonArray expected = classifications(alone);
                assertEquals(expected.size(), got.size(), "request " + i);
                for (int k = 0; k < expected.size(); k++) {
                    JsonObject e = expected.get(k).getAsJsonObject();
                    JsonObject g = got.get(k).getAsJsonObject();
                    assertEquals(e.get("className").getAsString(), g.get("className").getAsString(), "request " + i);
                    // Batched convolutions may round differently from single-image ones.
                    assertEquals(e.get("probability").getAsDouble(), g.get("probability").getAsDouble(), 1e-5,
                            "request " + i + ", " + e.get("className").getAsString());
                }
            }
        }
    }

    /** Exports the fixture se_resnet20 with {@code export-serving} and returns its serving.properties. */
    private static Properties exportSeResNet20(Path dir, Path served) throws java.io.IOException {
        Path imported = CliSupport.importedSeResNet20(dir);
        CliSupport.Result r = CliSupport.run("export-serving", "--model-dir", imported.toString(), "--output", served.toString());
        assertEquals(0, r.status(), r.err());
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(served.resolve("serving.properties"))) {
            props.load(in);
        }
        return props;
    }

    private static JsonArray classifications(Output output) {
        return JsonParser.parseString(new String(output.getData().getAsBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
    }

    private static Input checkerboard(int rgb) throws java.io.IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x + y) % 2 == 0 ? rgb : ~rgb & 0xffffff);
            }
        }
        return pngRequest(img);
    }

    /** A request as DJL Serving builds it from an upload: the image's PNG bytes. */
    private static Input pngRequest(BufferedImage img) throws java.io.IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Input input = new Input();
        input.add(png.toByteArray());
        return input;
    }
}
