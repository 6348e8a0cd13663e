package io.github.attentionzoo.zoo;

import static io.github.attentionzoo.zoo.ModelDirectory.METADATA;
import static io.github.attentionzoo.zoo.ModelDirectory.ONNX_RUNTIME;
import static io.github.attentionzoo.zoo.ModelDirectory.PYTORCH;
import static io.github.attentionzoo.zoo.ModelDirectory.SERVING_PROPERTIES;
import static io.github.attentionzoo.zoo.ModelDirectory.SYNSET;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes model directories ({@link ModelDirectory#write}, {@link ModelDirectory#writeDescription})
 * and checks, before one replaces anything, that what was written loads.
 */
final class DirectoryWriter {

    private DirectoryWriter() {}

    /** {@link ModelDirectory#write}. */
    static ModelDirectory write(Model model, Path dir, ModelDescription description, List<String> classNames)
            throws IOException {
        boolean built = ModelDirectory.structure(description).equals(model.getProperty(ModelDirectory.STRUCTURE));
        AtomicFiles.writeDirectory(dir, tmp -> {
            model.save(tmp, description.architecture());
            writeDescription(tmp, description, classNames, PYTORCH, Precision.FP32);
            if (built) {
                checkWritten(model, tmp, dir, description);
            } else {
                checkLoads(tmp, dir, PYTORCH, Precision.FP32);
            }
        });
        return ModelDirectory.written(dir, description, null);
    }

    /**
     * Checks a directory just written from a model whose network was built from the same
     * description: the parameter file holds at least every parameter's data, and the metadata
     * reads back as written.
     */
    private static void checkWritten(Model model, Path written, Path target, ModelDescription description) {
        try {
            ModelDirectory d = ModelDirectory.written(written, description, null);
            Path params = d.parametersFile();
            long needed = 0;
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                needed += 4 * p.getValue().getArray().getShape().size();
            }
            if (Files.size(params) < needed) {
                throw new IOException(params + ": " + Files.size(params) + " bytes, fewer than the " + needed
                        + " its parameters need");
            }
            if (!TextFiles.read(written.resolve(METADATA)).equals(description.toJson())) {
                throw new IOException(written.resolve(METADATA) + ": does not read back as written");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": the directory written does not load ("
                    + Messages.firstLine(e.getMessage()).replace(written.toString(), target.toString())
                    + "); nothing was written", e);
        }
    }

    /** {@link ModelDirectory#checkLoads}. */
    static void checkLoads(Path written, Path target, String engine, Precision precision) {
        try (Model check = ModelDirectory.open(written).load(engine, null, null, ONNX_RUNTIME.equals(engine) ? precision : Precision.FP32)) {
            check.getName();
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new UncheckedIOException(target + ": the directory written does not load ("
                    + reason.replace(written.toString(), target.toString()) + "); nothing was written",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** {@link ModelDirectory#writeDescription}. */
    static void writeDescription(Path dir, ModelDescription description, List<String> classNames, String engine,
            Precision precision) throws IOException {
        Files.writeString(dir.resolve(METADATA), description.toJson(), StandardCharsets.UTF_8);
        Files.write(dir.resolve(SYNSET), classNames, StandardCharsets.UTF_8);
        String properties = servingProperties(description, engine);
        if (precision == Precision.INT8) {
            properties = properties.replace("option.modelName=" + description.architecture() + "\n",
                    "option.modelName=" + Precision.INT8.onnxName(description.architecture()).replaceFirst("\\.onnx$", "")
                            + "\n");
        }
        Files.writeString(dir.resolve(SERVING_PROPERTIES), properties, StandardCharsets.UTF_8);
    }

    /** {@link ModelDirectory#servingProperties}. */
    static String servingProperties(ModelDescription description, String engine) {
        return "# Written by attentionzoo: DJL Serving and Criteria load this directory as it is.\n"
                + "engine=" + engine + "\n"
                + (engine.equals(PYTORCH) ? "blockFactory=" + ZooBlockFactory.class.getName() + "\n" : "")
                + "translatorFactory=" + CifarTranslatorFactory.class.getName() + "\n"
                + "option.modelName=" + description.architecture() + "\n"
                + "application=cv/image_classification\n";
    }

}
