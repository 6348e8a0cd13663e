package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every architecture's parameter names and shapes are those saved files, checkpoints and optimizer
 * state were written with before the residual blocks were renamed (test resources
 * {@code parameter-paths/}, made from commit 36f9a0e).
 */
class ParameterPathsTest {

    static List<String> names() {
        return Architectures.names();
    }

    static List<String> paths(String name) {
        Block block = Architectures.build(name, null);
        int size = Architectures.spec(name).inputSize();
        List<String> lines = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
            for (Pair<String, Parameter> p : block.getParameters()) {
                lines.add(p.getKey() + " " + p.getValue().getArray().getShape());
            }
        }
        return lines;
    }

    @ParameterizedTest
    @MethodSource("names")
    void parameterNamesAndShapesAreTheOnesSavedFilesUse(String name) throws Exception {
        List<String> now = paths(name);
        String out = System.getProperty("attentionzoo.writeParameterPaths");
        if (out != null) {
            Files.createDirectories(Path.of(out));
            Files.write(Path.of(out, name + ".txt"), now);
        }
        try (InputStream in = getClass().getResourceAsStream("/parameter-paths/" + name + ".txt")) {
            List<String> saved = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(saved, now, name);
        }
    }
}
