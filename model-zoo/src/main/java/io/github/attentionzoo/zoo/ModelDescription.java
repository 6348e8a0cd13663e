package io.github.attentionzoo.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.attentionzoo.io.Messages;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a model directory says about itself ({@value ModelDirectory#METADATA}): which architecture
 * and options rebuild its network, and where its weights came from (the recipe, data and command
 * that made them, epochs, measured accuracy). Immutable; the {@code with...} methods return copies.
 *
 * <p>Reading is strict and bounded: every member is checked for its type and range before
 * anything is built from it, and a problem is reported as one line naming the file, the member and
 * what is wrong, so a damaged file never reaches the engine as a 640 GB allocation.
 *
 * @param architecture the architecture's zoo name, e.g. {@code se_resnet20}
 * @param options the build options ({@code num_classes}, {@code reduction}, {@code se_min_hidden}), in order
 * @param inputSize the input side the model expects
 * @param recipe the recipe the weights were trained with here, or null (imported or untrained weights)
 * @param provenance how the weights came to be, in words ("imported from PyTorch ...", "fine-tuned from ..."), or null
 * @param dataset the data set the weights were trained on, or null
 * @param epochs training epochs
 * @param trainingSeconds wall-clock training time in seconds
 * @param command the command that made the weights, when they were trained here, or null
 * @param testAccuracy test accuracy measured after training, or null when not measured
 */
public record ModelDescription(String architecture, Map<String, String> options, int inputSize, Recipe recipe,
        String provenance, String dataset, int epochs, double trainingSeconds, String command, Double testAccuracy) {

    /** The largest input side a model directory may declare. */
    public static final int MAX_INPUT_SIZE = 4096;

    /** Metadata texts parsed by this JVM: read by the tests that count them. */
    static final AtomicInteger PARSES = new AtomicInteger();

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * Checks the description: a known architecture, options it accepts, values in the ranges a
     * file may hold.
     *
     * @param architecture the architecture's zoo name
     * @param options the build options (copied; null is none)
     * @param inputSize the input side, from 8 to {@value #MAX_INPUT_SIZE}
     * @param recipe the recipe, or null
     * @param provenance where the weights came from, or null
     * @param dataset the data set, or null
     * @param epochs training epochs, from 0
     * @param trainingSeconds training time, from 0
     * @param command the command, or null
     * @param testAccuracy the test accuracy from 0 to 1, or null
     * @throws IllegalArgumentException naming what is wrong
     */
    public ModelDescription {
        Objects.requireNonNull(architecture, "architecture");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options == null ? Map.of() : options));
        Architectures.options(architecture, options);
        if (inputSize < 8 || inputSize > MAX_INPUT_SIZE) {
            throw new IllegalArgumentException("input size " + inputSize + " is not from 8 to " + MAX_INPUT_SIZE);
        }
        if (epochs < 0 || !(trainingSeconds >= 0 && trainingSeconds <= 1e10)
                || testAccuracy != null && !(testAccuracy >= 0 && testAccuracy <= 1)) {
            throw new IllegalArgumentException("epochs " + epochs + ", training seconds " + trainingSeconds
                    + " or test accuracy " + testAccuracy + " out of range");
        }
    }

    /**
     * Describes an untrained network of a zoo architecture, with its default options and input size.
     *
     * @param architecture the zoo name
     * @return the description
     * @throws IllegalArgumentException when the architecture is unknown
     */
    public static ModelDescription untrained(String architecture) {
        return untrained(architecture, Map.of());
    }

    /**
     * Describes an untrained network of a zoo architecture built with the given options.
     *
     * @param architecture the zoo name
     * @param options the build options (may be empty)
     * @return the description
     * @throws IllegalArgumentException when the architecture is unknown or an option out of range
     */
    public static ModelDescription untrained(String architecture, Map<String, String> options) {
        return new ModelDescription(architecture, options, Architectures.spec(architecture).inputSize(), null, null,
                null, 0, 0, null, null);
    }

    /**
     * Returns the number of classes of the model.
     *
     * @return the class count
     */
    public int numClasses() {
        return Architectures.options(architecture, options).numClasses();
    }

    /**
     * Returns a copy with other build options.
     *
     * @param newOptions the options
     * @return the copy
     */
    public ModelDescription withOptions(Map<String, String> newOptions) {
        return new ModelDescription(architecture, newOptions, inputSize, recipe, provenance, dataset, epochs,
                trainingSeconds, command, testAccuracy);
    }

    /**
     * Returns a copy with one build option set.
     *
     * @param key the option, e.g. {@code num_classes}
     * @param value its value
     * @return the copy
     */
    public ModelDescription withOption(String key, String value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(key, value);
        return withOptions(o);
    }

    /**
     * Returns a copy with another input size.
     *
     * @param side the input side
     * @return the copy
     */
    public ModelDescription withInputSize(int side) {
        return new ModelDescription(architecture, options, side, recipe, provenance, dataset, epochs,
                trainingSeconds, command, testAccuracy);
    }

    /**
     * Returns a copy with another training record: what trained the weights, on what, how long, with what result.
     *
     * @param newRecipe the recipe, or null
     * @param newDataset the data set, or null
     * @param newEpochs the epochs
     * @param seconds the training time
     * @param newCommand the command, or null
     * @param accuracy the test accuracy, or null
     * @return the copy
     */
    public ModelDescription withTraining(Recipe newRecipe, String newDataset, int newEpochs, double seconds,
            String newCommand, Double accuracy) {
        return new ModelDescription(architecture, options, inputSize, newRecipe, provenance, newDataset, newEpochs,
                seconds, newCommand, accuracy);
    }

    /**
     * Returns a copy with another recipe.
     *
     * @param newRecipe the recipe, or null
     * @return the copy
     */
    public ModelDescription withRecipe(Recipe newRecipe) {
        return withTraining(newRecipe, dataset, epochs, trainingSeconds, command, testAccuracy);
    }

    /**
     * Returns a copy that says in other words where the weights came from.
     *
     * @param newProvenance the provenance, or null
     * @return the copy
     */
    public ModelDescription withProvenance(String newProvenance) {
        return new ModelDescription(architecture, options, inputSize, recipe, newProvenance, dataset, epochs,
                trainingSeconds, command, testAccuracy);
    }

    /**
     * Returns a copy with another measured test accuracy.
     *
     * @param accuracy the accuracy, or null
     * @return the copy
     */
    public ModelDescription withTestAccuracy(Double accuracy) {
        return withTraining(recipe, dataset, epochs, trainingSeconds, command, accuracy);
    }

    /**
     * Parses metadata text.
     *
     * @param json the text
     * @param source where it came from, for messages
     * @return the description
     * @throws IOException naming {@code source}, the member and what is wrong with it
     */
    public static ModelDescription parse(String json, String source) throws IOException {
        PARSES.incrementAndGet();
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
        try {
            String architecture = string(o, "architecture");
            if (architecture == null) {
                throw new IllegalArgumentException("names no architecture");
            }
            Architectures.spec(architecture);
            Map<String, String> options = new LinkedHashMap<>();
            JsonElement opts = o.get("options");
            if (opts != null && !opts.isJsonNull()) {
                if (!opts.isJsonObject()) {
                    throw new IllegalArgumentException("'options' must be an object, not " + describe(opts));
                }
                for (Map.Entry<String, JsonElement> e : opts.getAsJsonObject().entrySet()) {
                    if (!e.getValue().isJsonPrimitive()) {
                        throw new IllegalArgumentException("option '" + e.getKey() + "' must be a single value");
                    }
                    options.put(e.getKey(), e.getValue().getAsString());
                }
            }
            // Bounded here, before any network of these sizes is built.
            Architectures.options(architecture, options);
            int inputSize = (int) number(o, "inputSize", Architectures.spec(architecture).inputSize(), 8,
                    MAX_INPUT_SIZE, true);
            JsonElement recipeJson = o.get("recipe");
            String provenance = string(o, "provenance");
            Recipe recipe = null;
            if (recipeJson != null && !recipeJson.isJsonNull()) {
                try {
                    recipe = Recipe.fromJson(recipeJson);
                    if (recipeJson.isJsonPrimitive() && recipeJson.getAsString().contains("; ") && provenance == null) {
                        provenance = recipeJson.getAsString().substring(recipeJson.getAsString().indexOf("; ") + 2);
                    }
                } catch (IllegalArgumentException e) {
                    if (!recipeJson.isJsonPrimitive()) {
                        throw e;
                    }
                    // Earlier versions kept free text there ("imported from PyTorch ...").
                    provenance = provenance != null ? provenance : recipeJson.getAsString();
                }
            }
            String dataset = string(o, "dataset");
            int epochs = (int) number(o, "epochs", 0, 0, 1_000_000, true);
            double trainingSeconds = number(o, "trainingSeconds", 0, 0, 1e10, false);
            String command = string(o, "command");
            JsonElement acc = o.get("testAccuracy");
            Double testAccuracy = acc == null || acc.isJsonNull() ? null : number(o, "testAccuracy", 0, 0, 1, false);
            return new ModelDescription(architecture, options, inputSize, recipe, provenance, dataset, epochs,
                    trainingSeconds, command, testAccuracy);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
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
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : Double.toString(v);
    }

    /**
     * Returns the description as the JSON text of {@value ModelDirectory#METADATA}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return json(architecture, options, inputSize, recipe, provenance, dataset, epochs, trainingSeconds, command,
                testAccuracy);
    }

    /** The one writer of the file's text, also for the deprecated mutable {@code ModelMetadata}. */
    static String json(String architecture, Map<String, String> options, int inputSize, Recipe recipe,
            String provenance, String dataset, int epochs, double trainingSeconds, String command, Double testAccuracy) {
        JsonObject o = new JsonObject();
        o.addProperty("architecture", architecture);
        JsonObject opts = new JsonObject();
        if (options != null) {
            options.forEach(opts::addProperty);
        }
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
}
