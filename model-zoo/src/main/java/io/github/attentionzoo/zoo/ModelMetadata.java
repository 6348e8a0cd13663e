package io.github.attentionzoo.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a saved model directory says about itself ({@value #FILE}): which architecture and options
 * rebuild its network, and where its weights came from (the recipe, data and command that made
 * them, epochs, measured accuracy).
 *
 * <p>Reading is strict and bounded: every member is checked for its type and range before
 * anything is built from it, and a problem is reported as one line naming the file, the member and
 * what is wrong, so a damaged file never reaches the engine as a 640 GB allocation.
 */
public final class ModelMetadata {

    /** The file name inside a model directory. */
    public static final String FILE = "attentionzoo.json";

    /** The largest input side a model directory may declare. */
    public static final int MAX_INPUT_SIZE = 4096;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

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
        try {
            return parse(toJson(), "a copy of " + architecture + "'s metadata");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a model directory's metadata.
     *
     * @param dir the model directory
     * @return the metadata
     * @throws IOException when the file is missing or damaged, naming it
     */
    public static ModelMetadata read(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new java.nio.file.FileSystemException(dir.toString(), null,
                    "is " + AtomicFiles.kind(dir) + ", not a model directory");
        }
        Path file = AtomicFiles.recover(dir).resolve(FILE);
        if (Files.notExists(file)) {
            throw new NoSuchFileException(dir.toString(), null, "not an attentionzoo model directory (no " + FILE + ")");
        }
        return parse(TextFiles.read(file), file.toString());
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
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            // Gson's messages add a second line with a link; the first says what is wrong.
            throw new IOException(source + ": not valid JSON (" + Messages.firstLine(e.getMessage())
                    .replaceFirst("^[\\w.]+Exception: ", "") + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new IOException(source + ": must hold one JSON object, not " + describe(root));
        }
        JsonObject o = root.getAsJsonObject();
        ModelMetadata m = new ModelMetadata();
        try {
            m.architecture = string(o, "architecture");
            if (m.architecture == null) {
                throw new IllegalArgumentException("names no architecture");
            }
            Architectures.spec(m.architecture);
            JsonElement opts = o.get("options");
            if (opts != null && !opts.isJsonNull()) {
                if (!opts.isJsonObject()) {
                    throw new IllegalArgumentException("'options' must be an object, not " + describe(opts));
                }
                for (Map.Entry<String, JsonElement> e : opts.getAsJsonObject().entrySet()) {
                    if (!e.getValue().isJsonPrimitive()) {
                        throw new IllegalArgumentException("option '" + e.getKey() + "' must be a single value");
                    }
                    m.options.put(e.getKey(), e.getValue().getAsString());
                }
            }
            // Bounded here, before any network of these sizes is built.
            Architectures.options(m.architecture, m.options);
            m.inputSize = (int) number(o, "inputSize", Architectures.spec(m.architecture).inputSize(), 8,
                    MAX_INPUT_SIZE, true);
            JsonElement recipe = o.get("recipe");
            m.provenance = string(o, "provenance");
            if (recipe != null && !recipe.isJsonNull()) {
                try {
                    m.recipe = Recipe.fromJson(recipe);
                    if (recipe.isJsonPrimitive() && recipe.getAsString().contains("; ") && m.provenance == null) {
                        m.provenance = recipe.getAsString().substring(recipe.getAsString().indexOf("; ") + 2);
                    }
                } catch (IllegalArgumentException e) {
                    if (!recipe.isJsonPrimitive()) {
                        throw e;
                    }
                    // Earlier versions kept free text there ("imported from PyTorch ...").
                    m.provenance = m.provenance != null ? m.provenance : recipe.getAsString();
                }
            }
            m.dataset = string(o, "dataset");
            m.epochs = (int) number(o, "epochs", 0, 0, 1_000_000, true);
            m.trainingSeconds = number(o, "trainingSeconds", 0, 0, 1e10, false);
            m.command = string(o, "command");
            JsonElement acc = o.get("testAccuracy");
            m.testAccuracy = acc == null || acc.isJsonNull() ? null : number(o, "testAccuracy", 0, 0, 1, false);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        return m;
    }

    private static String describe(JsonElement e) {
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonPrimitive()) {
            return e.getAsJsonPrimitive().isString() ? "a string" : "a single value";
        }
        return "an object";
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("'" + name + "' must be a string, not " + describe(e));
        }
        return e.getAsString();
    }

    private static double number(JsonObject o, String name, double fallback, double min, double max, boolean whole) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        String range = (whole ? "a whole number" : "a number") + " from " + plain(min) + " to " + plain(max);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("'" + name + "' must be " + range + ", not " + describe(e)
                    + (e.isJsonPrimitive() ? " (" + e + ")" : ""));
        }
        double v = e.getAsDouble();
        if (!(v >= min && v <= max) || whole && v != Math.rint(v)) {
            throw new IllegalArgumentException("'" + name + "' must be " + range + ", got " + e);
        }
        return v;
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(java.util.Locale.ROOT, "%,d", (long) v)
                : Double.toString(v);
    }

    /**
     * Returns the metadata as JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("architecture", architecture);
        JsonObject opts = new JsonObject();
        options.forEach(opts::addProperty);
        o.add("options", opts);
        o.addProperty("inputSize", inputSize);
        if (recipe != null) {
            o.add("recipe", recipe.toJson());
        }
        if (provenance != null) {
            o.addProperty("provenance", provenance);
        }
        if (dataset != null) {
            o.addProperty("dataset", dataset);
        }
        o.addProperty("epochs", epochs);
        o.addProperty("trainingSeconds", trainingSeconds);
        if (command != null) {
            o.addProperty("command", command);
        }
        if (testAccuracy != null) {
            o.addProperty("testAccuracy", testAccuracy);
        }
        return GSON.toJson(o);
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
