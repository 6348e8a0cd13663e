package io.github.attentionzoo.cli;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exported directory loads the way DJL Serving loads it: Criteria, Input/Output, no translator. */
class ExportServingTest {

    @Test
    void exportedDirectoryServesPngBytesAsJson(@TempDir Path dir) throws Exception {
        Path imported = CliSupport.importedSeResNet20(dir);
        Path served = dir.resolve("served");
        CliSupport.Result r = CliSupport.run("export-serving", "--model-dir", imported.toString(), "--output", served.toString());
        assertEquals(0, r.status(), r.err());
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(served.resolve("serving.properties"))) {
            props.load(in);
        }
        assertEquals("PyTorch", props.getProperty("engine"));

        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelPath(served).build();
        try (ZooModel<Input, Output> model = criteria.loadModel();
                Predictor<Input, Output> predictor = model.newPredictor()) {
            Input input = new Input();
            input.add(png.toByteArray());
            Output output = predictor.predict(input);
            assertEquals(200, output.getCode(), output.getMessage());
            String json = new String(output.getData().getAsBytes(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"className\"") && json.contains("\"probability\""), json);
            assertTrue(io.github.attentionzoo.zoo.CifarTranslator.CLASSES.stream().anyMatch(json::contains), json);
        }
    }
}
