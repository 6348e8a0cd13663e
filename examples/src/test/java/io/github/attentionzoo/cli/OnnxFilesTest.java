package io.github.attentionzoo.cli;

import static io.github.attentionzoo.cli.CliSupport.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.interop.OnnxExport;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model directory's {@code .onnx} is the model its {@code attentionzoo.json} says, or it is
 * refused by every command that runs or copies it; a directory written for ONNX Runtime is not
 * mistaken for damage; both engines answer an input alike.
 */
class OnnxFilesTest extends ImportedModelTest {

    /** The imported se_resnet20 as a directory for ONNX Runtime, written by export-serving. */
    private static Path onnxDirectory(Path dir, String name) {
        Path out = dir.resolve(name);
        CliSupport.Result r = CliSupport.run("export-serving", "--model-dir", model.toString(), "--engine",
                "OnnxRuntime", "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        return out;
    }

    @Test
    void anOnnxFileOfAnotherArchitectureIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        Path se = onnxDirectory(dir, "se");
        // sk_resnet20 takes the same input and gives the same ten classes: only its metadata tells.
        Files.copy(PretrainedStore.install("sk_resnet20").resolve("sk_resnet20.onnx"), se.resolve("se_resnet20.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path x = dir.resolve("x.npy");
        Files.write(x, HostileInputTest.npy("<f4", "2, 3, 32, 32", new byte[2 * 3 * 32 * 32 * 4]));
        Path img = dir.resolve("a.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", img.toFile());
        String[][] commands = {
            {"predict", "--model-dir", se.toString(), "--engine", "OnnxRuntime", img.toString()},
            {"infer", "--model-dir", se.toString(), "--engine", "OnnxRuntime", "--input", x.toString(), "--output",
                dir.resolve("y.npy").toString()},
            {"export-serving", "--model-dir", se.toString(), "--engine", "OnnxRuntime", "--output",
                dir.resolve("copy").toString()},
        };
        for (String[] command : commands) {
            String err = fails(command);
            assertMentions(err, se.resolve("se_resnet20.onnx").toString(), "architecture=sk_resnet20",
                    se.resolve("attentionzoo.json").toString(), "architecture=se_resnet20");
        }
        assertFalse(Files.exists(dir.resolve("y.npy")));
        assertFalse(Files.exists(dir.resolve("copy")));

        // DJL loading the directory by itself (Criteria with a path, as Spark's executors and DJL
        // Serving do) goes through the zoo's translator factory, which checks the same.
        ai.djl.repository.zoo.Criteria<ai.djl.modality.cv.Image, ai.djl.modality.Classifications> criteria =
                ai.djl.repository.zoo.Criteria.builder()
                        .setTypes(ai.djl.modality.cv.Image.class, ai.djl.modality.Classifications.class)
                        .optEngine(ModelArtifacts.ONNX_RUNTIME).optModelPath(se)
                        .optTranslatorFactory(new io.github.attentionzoo.zoo.CifarTranslatorFactory()).build();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> criteria.loadModel().close());
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertMentions(chain.toString(), "architecture=sk_resnet20", "architecture=se_resnet20");
    }

    @Test
    void anOnnxFileWithoutTheProjectsMetadataIsCheckedByShapeAndSaysSoOnce(@TempDir Path dir) throws Exception {
        Path own = onnxDirectory(dir, "own");
        try (Model m = ModelArtifacts.load(model, null)) {
            // As a user's own exporter would write it: the same network, no metadata_props.
            OnnxExport.write(m.getBlock(), new Shape(3, 32, 32), Map.of(), own.resolve("se_resnet20.onnx"));
        }
        Path img = dir.resolve("b.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", img.toFile());
        CliSupport.Result r = CliSupport.run("predict", "--model-dir", own.toString(), "--engine", "OnnxRuntime",
                img.toString(), img.toString());
        assertEquals(0, r.status(), r.err());
        long notes = r.err().lines().filter(l -> l.contains("could not be checked")).count();
        assertEquals(1, notes, r.err());
        assertMentions(r.err(), own.resolve("se_resnet20.onnx").toString(), "no attentionzoo metadata");

        // Its shapes are still checked: a ten-class file in a directory that says 100 classes.
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                Files.readString(own.resolve("attentionzoo.json"))).getAsJsonObject();
        com.google.gson.JsonObject options = new com.google.gson.JsonObject();
        options.addProperty("num_classes", "100");
        json.add("options", options);
        Files.writeString(own.resolve("attentionzoo.json"), json.toString());
        assertMentions(fails("predict", "--model-dir", own.toString(), "--engine", "OnnxRuntime", img.toString()),
                "[N, 100]");
    }

    @Test
    void aDamagedOnnxFileIsNeitherCopiedNorServed(@TempDir Path dir) throws Exception {
        Path src = onnxDirectory(dir, "src");
        Path onnx = src.resolve("se_resnet20.onnx");
        byte[] whole = Files.readAllBytes(onnx);
        for (int length : new int[] {0, whole.length / 3, whole.length - 1}) {
            Files.write(onnx, java.util.Arrays.copyOf(whole, length));
            Path out = dir.resolve("new").resolve("deeper").resolve("served");
            String err = fails("export-serving", "--model-dir", src.toString(), "--engine", "OnnxRuntime",
                    "--output", out.toString());
            assertMentions(err, onnx.toString());
            assertFalse(Files.exists(dir.resolve("new")), "no directory is left behind: " + err);
        }
        // A bad copy over an existing served directory leaves the old one whole.
        Files.write(onnx, whole);
        Path served = onnxDirectory(dir, "served");
        byte[] before = Files.readAllBytes(served.resolve("se_resnet20.onnx"));
        Files.write(onnx, java.util.Arrays.copyOf(whole, 100));
        fails("export-serving", "--model-dir", src.toString(), "--engine", "OnnxRuntime", "--output", served.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(served.resolve("se_resnet20.onnx"))));
    }

    @Test
    void aDirectoryForOnnxRuntimeIsNotCalledDamagedByThePyTorchCommands(@TempDir Path dir) throws Exception {
        Path onnx = onnxDirectory(dir, "for-ort");
        Path img = dir.resolve("c.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", img.toFile());
        String[][] commands = {
            {"predict", "--model-dir", onnx.toString(), img.toString()},
            {"export-torch", "--model-dir", onnx.toString(), "--output", dir.resolve("w.npz").toString()},
            {"export-onnx", "--model-dir", onnx.toString(), "--output", dir.resolve("m.onnx").toString()},
            {"export-serving", "--model-dir", onnx.toString(), "--output", dir.resolve("pt").toString()},
        };
        for (String[] command : commands) {
            String err = fails(command);
            assertMentions(err, onnx.toString(), "holds an ONNX model (se_resnet20.onnx)", "--engine OnnxRuntime");
            assertFalse(err.contains(".params: missing"), err);
        }
        // And on ONNX Runtime it runs, and can be served again.
        assertEquals(0, CliSupport.run("predict", "--model-dir", onnx.toString(), "--engine", "OnnxRuntime",
                img.toString()).status());
        assertEquals(0, CliSupport.run("export-serving", "--model-dir", onnx.toString(), "--engine", "OnnxRuntime",
                "--output", dir.resolve("again").toString()).status());
    }

    @Test
    void bothEnginesRefuseAnInputOfAnotherSizeInTheSameWords(@TempDir Path dir) throws Exception {
        Path onnx = onnxDirectory(dir, "both");
        Path x = dir.resolve("tall.npy");
        int h = 40;
        int w = 32;
        ByteBuffer data = ByteBuffer.allocate(3 * h * w * 4).order(ByteOrder.LITTLE_ENDIAN);
        Files.write(x, HostileInputTest.npy("<f4", "1, 3, " + h + ", " + w, data.array()));
        String pytorch = fails("infer", "--model-dir", model.toString(), "--input", x.toString(), "--output",
                dir.resolve("p.npy").toString());
        String ort = fails("infer", "--model-dir", onnx.toString(), "--engine", "OnnxRuntime", "--input", x.toString(),
                "--output", dir.resolve("o.npy").toString());
        assertMentions(pytorch, x.toString(), "40x32", "takes 32x32");
        assertEquals(pytorch.replace(model.toString(), "DIR"), ort.replace(onnx.toString(), "DIR"));
        assertFalse(ort.contains("Ort") || ort.contains("ORT_"), ort);
    }
}
