package io.github.attentionzoo.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.github.attentionzoo.nn.Messages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a saved model directory says about itself ({@value #FILE}): which architecture and options
 * rebuild its network, and where its weights came from (recipe, epochs, measured accuracy).
 */
public final class ModelMetadata {

    /** The file name inside a model directory. */
    public static final String FILE = "attentionzoo.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** The architecture's zoo name, e.g. {@code se_resnet20}. */
    public String architecture;
    /** The build options ({@code num_classes}, {@code reduction}, {@code se_min_hidden}). */
    public Map<String, String> options = new LinkedHashMap<>();
    /** The input side the model expects. */
    public int inputSize = 32;
    /** How the weights were obtained: the recipe, or "imported from PyTorch". */
    public String recipe;
    /** The data set the weights were trained on. */
    public String dataset;
    /** Training epochs. */
    public int epochs;
    /** Wall-clock training time in seconds. */
    public double trainingSeconds;
    /** The command that reproduces the weights, when they were trained here. */
    public String command;
    /** Test accuracy measured after training, or null when not measured. */
    public Double testAccuracy;

    /**
     * Reads a model directory's metadata.
     *
     * @param dir the model directory
     * @return the metadata
     * @throws IOException when the file is missing or corrupt, naming it
     */
    public static ModelMetadata read(Path dir) throws IOException {
        Path file = AtomicFiles.recover(dir).resolve(FILE);
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString(), null, "not an attentionzoo model directory (no " + FILE + ")");
        }
        return parse(TextFiles.read(file), file.toString());
    }

    /**
     * Parses metadata text.
     *
     * @param json the text
     * @param source where it came from, for messages
     * @return the metadata
     * @throws IOException when it is not valid metadata
     */
    public static ModelMetadata parse(String json, String source) throws IOException {
        try {
            ModelMetadata m = GSON.fromJson(json, ModelMetadata.class);
            if (m == null || m.architecture == null) {
                throw new IOException(source + ": metadata names no architecture");
            }
            Architectures.spec(m.architecture);
            return m;
        } catch (JsonParseException e) {
            // Gson's messages add a second line with a link; the first says what is wrong.
            throw new IOException(source + ": corrupt metadata: " + Messages.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Returns the metadata as JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        return GSON.toJson(this);
    }

    /**
     * Writes the metadata into a directory.
     *
     * @param dir the model directory
     * @throws IOException when writing fails
     */
    public void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Returns the number of classes of the model.
     *
     * @return the class count
     */
    public int numClasses() {
        return Architectures.options(architecture, options).numClasses();
    }
}
