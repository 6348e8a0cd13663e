package io.github.attentionzoo.zoo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mutable form of a model directory's {@value #FILE}, kept so that code written against it
 * still compiles.
 *
 * @deprecated Open the directory with {@link ModelDirectory#open} and read its immutable {@link
 *     ModelDescription} ({@link ModelDirectory#metadata()}); build one with {@link
 *     ModelDescription#untrained} and its {@code with...} copies. {@link #toDescription()} and
 *     {@link #of(ModelDescription)} convert between the two.
 */
@Deprecated
public final class ModelMetadata {

    /** The file name inside a model directory. */
    public static final String FILE = ModelDirectory.METADATA;

    /** The largest input side a model directory may declare. */
    public static final int MAX_INPUT_SIZE = ModelDescription.MAX_INPUT_SIZE;

    /** The architecture's zoo name, e.g. {@code se_resnet20}. */
    public String architecture;
    /** The build options ({@code num_classes}, {@code reduction}, {@code se_min_hidden}). */
    public Map<String, String> options = new LinkedHashMap<>();
    /** The input side the model expects. */
    public int inputSize = 32;
    /** The recipe the weights were trained with here, or null (imported or untrained weights). */
    public Recipe recipe;
    /** How the weights came to be, in words: "imported from PyTorch ...", "fine-tuned from ...". */
    public String provenance;
    /** The data set the weights were trained on. */
    public String dataset;
    /** Training epochs. */
    public int epochs;
    /** Wall-clock training time in seconds. */
    public double trainingSeconds;
    /** The command that made the weights, when they were trained here. */
    public String command;
    /** Test accuracy measured after training, or null when not measured. */
    public Double testAccuracy;

    /**
     * Creates the metadata of an untrained network of a zoo architecture, with its input size.
     *
     * @param architecture the zoo name
     * @return the metadata
     * @throws IllegalArgumentException when the architecture is unknown
     */
    public static ModelMetadata untrained(String architecture) {
        ModelMetadata m = new ModelMetadata();
        m.architecture = architecture;
        m.inputSize = Architectures.spec(architecture).inputSize();
        return m;
    }

    /**
     * Returns a copy that shares nothing with this one.
     *
     * @return the copy
     */
    public ModelMetadata copy() {
        ModelMetadata m = new ModelMetadata();
        m.architecture = architecture;
        m.options = new LinkedHashMap<>(options);
        m.inputSize = inputSize;
        m.recipe = recipe;
        m.provenance = provenance;
        m.dataset = dataset;
        m.epochs = epochs;
        m.trainingSeconds = trainingSeconds;
        m.command = command;
        m.testAccuracy = testAccuracy;
        return m;
    }

    /**
     * Reads a model directory's metadata.
     *
     * @param dir the model directory
     * @return the metadata
     * @throws IOException when the file is missing or damaged, naming it
     */
    public static ModelMetadata read(Path dir) throws IOException {
        return of(ModelDirectory.open(dir).metadata());
    }

    /**
     * Parses metadata text.
     *
     * @param json the text
     * @param source where it came from, for messages
     * @return the metadata
     * @throws IOException naming {@code source}, the member and what is wrong with it
     */
    public static ModelMetadata parse(String json, String source) throws IOException {
        return of(ModelDescription.parse(json, source));
    }

    /**
     * Returns the mutable form of a description.
     *
     * @param description the description
     * @return a new metadata object holding its values
     */
    public static ModelMetadata of(ModelDescription description) {
        ModelMetadata m = new ModelMetadata();
        m.architecture = description.architecture();
        m.options.putAll(description.options());
        m.inputSize = description.inputSize();
        m.recipe = description.recipe();
        m.provenance = description.provenance();
        m.dataset = description.dataset();
        m.epochs = description.epochs();
        m.trainingSeconds = description.trainingSeconds();
        m.command = description.command();
        m.testAccuracy = description.testAccuracy();
        return m;
    }

    /**
     * Returns these values as an immutable description, checked as a parsed file is.
     *
     * @return the description
     * @throws IllegalArgumentException when the architecture is unknown or a value out of range
     */
    public ModelDescription toDescription() {
        return new ModelDescription(architecture, options, inputSize, recipe, provenance, dataset, epochs,
                trainingSeconds, command, testAccuracy);
    }

    /**
     * Returns the metadata as JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        return ModelDescription.json(architecture, options, inputSize, recipe, provenance, dataset, epochs,
                trainingSeconds, command, testAccuracy);
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
