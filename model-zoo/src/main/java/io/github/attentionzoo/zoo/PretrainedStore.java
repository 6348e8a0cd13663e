package io.github.attentionzoo.zoo;

import ai.djl.util.Utils;
import io.github.attentionzoo.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The zoo's pretrained weights. They ship inside this jar under {@value #RESOURCES}{@code
 * <name>/}; before a model is loaded they are copied once into DJL's model cache (a normal model
 * directory with serving.properties), together with the repository metadata DJL's {@code
 * djl://} URLs read there. Nothing is ever downloaded.
 */
public final class PretrainedStore {

    /** The directories installed (or found intact) by this JVM, by model name. */
    private static final java.util.Map<String, Path> INSTALLED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The version of the shipped artifacts. */
    public static final String VERSION = "0.1.0";
    /** Where the weights sit in the jar. */
    public static final String RESOURCES = "/io/github/attentionzoo/zoo/pretrained/";

    /** The calibration ranges the int8 file was made from (interop.ActivationRanges' file; zoo cannot name it). */
    private static final String RANGES = "int8-ranges.txt";
    /** The stamp of the int8 files in an installed directory, beside the weights' own. */
    private static final String INT8_STAMP = ".attentionzoo-int8";
    /** The stamp of the weights and float ONNX file, in an installed directory and in the jar. */
    private static final String WEIGHTS_STAMP = ".attentionzoo-weights";

    private static final Logger LOGGER = LoggerFactory.getLogger(PretrainedStore.class);
    /** Far in the future, so that DJL's remote-repository cache never asks the network about our models. */
    private static final String NEVER_STALE = "2999-01-01T00:00:00.000Z";

    private PretrainedStore() {}

    /**
     * Returns the DJL cache directory of the zoo's models.
     *
     * @return the directory (not created)
     */
    public static Path cacheRoot() {
        return Utils.getCacheDir().resolve("cache/repo/model/cv/image_classification")
                .resolve(AttentionZoo.GROUP_ID.replace('.', '/'));
    }

    /**
     * Returns the name of a shipped model's ONNX file, which the build makes from its weights.
     *
     * @param name the model's name
     * @return {@code NAME.onnx}
     */
    public static String onnxName(String name) {
        return name + ".onnx";
    }

    private static String paramsName(String name) {
        return name + "-0000.params";
    }

    /**
     * Whether weights for a model ship in this jar.
     *
     * @param name the model's name
     * @return true when they do
     */
    public static boolean hasWeights(String name) {
        return resource(name, paramsName(name)) != null;
    }

    /**
     * Refuses a zoo model that is unknown or ships no weights, for every caller that needs them
     * (the command line, Spark).
     *
     * @param name the model's name
     * @throws IllegalArgumentException naming the model: unknown (with the known ones), or how to get weights for it
     */
    public static void requireWeights(String name) {
        Architectures.spec(name);
        if (!hasWeights(name)) {
            throw new IllegalArgumentException("no pretrained weights ship for '" + name + "'; train it (attentionzoo"
                    + " train --model " + name + ") and give its model directory");
        }
    }

    /**
     * Returns what a model's shipped weights are (recipe, epochs, accuracy), or null.
     *
     * @param name the model's name
     * @return the description, or null when no weights ship
     * @throws IOException when the shipped metadata is unreadable
     */
    public static ModelDescription shippedDescription(String name) throws IOException {
        URL url = resource(name, ModelDirectory.METADATA);
        if (url == null || !hasWeights(name)) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return ModelDescription.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), url.toString());
        }
    }

    /**
     * Returns the metadata of a model's shipped weights (recipe, epochs, accuracy), or null.
     *
     * @param name the model's name
     * @return the metadata or null when no weights ship
     * @throws IOException when the shipped metadata is unreadable
     * @deprecated use {@link #shippedDescription}
     */
    @Deprecated
    public static ModelMetadata shippedMetadata(String name) throws IOException {
        ModelDescription d = shippedDescription(name);
        return d == null ? null : ModelMetadata.of(d);
    }

    /**
     * Writes, beside each shipped model's files in a build's resource directory, the stamps that
     * {@link #install} compares with an installed copy: the build hashes the weights once, and no
     * start hashes them again.
     *
     * @param dir the model's resource directory ({@code NAME/NAME-0000.params}, its {@code .onnx} files)
     * @param name the model's name
     * @throws IOException when a file cannot be read or a stamp written
     */
    public static void writeStamps(Path dir, String name) throws IOException {
        byte[] onnx = readIfPresent(dir.resolve(onnxName(name)));
        Files.writeString(dir.resolve(WEIGHTS_STAMP), stamp(Files.readAllBytes(dir.resolve(paramsName(name))), onnx));
        byte[] int8 = readIfPresent(dir.resolve(Precision.INT8.onnxName(name)));
        Files.deleteIfExists(dir.resolve(INT8_STAMP));
        if (int8 != null) {
            Files.writeString(dir.resolve(INT8_STAMP), int8Stamp(int8, readIfPresent(dir.resolve(RANGES))));
        }
    }

    private static byte[] readIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    }

    private static String stamp(byte[] params, byte[] onnx) {
        return sha256(params) + (onnx == null ? "" : " onnx " + sha256(onnx));
    }

    private static String int8Stamp(byte[] int8, byte[] ranges) {
        return sha256(int8) + (ranges == null ? "" : " ranges " + sha256(ranges));
    }

    /** A stamp the build wrote into the jar, or null (classes not built by Maven). */
    private static String builtStamp(String name, String file) throws IOException {
        URL url = resource(name, file);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(String name, String file) throws IOException {
        URL url = resource(name, file);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    private static URL resource(String name, String file) {
        return PretrainedStore.class.getResource(RESOURCES + name + "/" + file);
    }

    /**
     * Puts a model's directory into DJL's cache (once; again when the shipped weights change).
     *
     * @param name the model's name
     * @return the model directory
     * @throws IOException when the cache cannot be written
     */
    public static synchronized Path install(String name) throws IOException {
        Architectures.spec(name);
        Path dir = cacheRoot().resolve(name).resolve(VERSION);
        if (dir.equals(INSTALLED.get(name)) && Files.isRegularFile(dir.resolve(WEIGHTS_STAMP))) {
            return dir;
        }
        boolean shipped = hasWeights(name) && resource(name, ModelDirectory.METADATA) != null;
        // The build stamped the shipped files (writeStamps); without its stamps they are hashed here.
        String stamp = !shipped ? "untrained" : builtStamp(name, WEIGHTS_STAMP);
        if (stamp == null) {
            stamp = stamp(bytes(name, paramsName(name)), bytes(name, onnxName(name)));
        }
        // The int8 files carry their own stamp, so that the float install stays what a zoo version
        // without int8 writes too: two versions sharing this cache then never rewrite it in turn.
        boolean hasInt8 = shipped && resource(name, Precision.INT8.onnxName(name)) != null;
        String int8Stamp = !hasInt8 ? null : builtStamp(name, INT8_STAMP);
        if (hasInt8 && int8Stamp == null) {
            int8Stamp = int8Stamp(bytes(name, Precision.INT8.onnxName(name)), bytes(name, RANGES));
        }
        Path stampFile = dir.resolve(WEIGHTS_STAMP);
        if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
            if (int8Stamp != null) {
                addInt8(dir, name, int8Stamp);
            }
            writeRepositoryMetadata(name);
            INSTALLED.put(name, dir);
            return dir;
        }
        final byte[] weights = shipped ? bytes(name, paramsName(name)) : null;
        final byte[] graph = shipped ? bytes(name, onnxName(name)) : null;
        final byte[] quantized = hasInt8 ? bytes(name, Precision.INT8.onnxName(name)) : null;
        final byte[] calibration = shipped ? bytes(name, RANGES) : null;
        final ModelDescription md = shipped ? shippedDescription(name) : ModelDescription.untrained(name);
        final String weightsStamp = stamp;
        final String quantizedStamp = int8Stamp;
        AtomicFiles.writeDirectory(dir, tmp -> {
            if (weights != null) {
                Files.write(tmp.resolve(paramsName(name)), weights);
            }
            if (graph != null) {
                Files.write(tmp.resolve(onnxName(name)), graph);
            }
            if (quantized != null) {
                Files.write(tmp.resolve(Precision.INT8.onnxName(name)), quantized);
            }
            if (calibration != null) {
                Files.write(tmp.resolve(RANGES), calibration);
            }
            ModelDirectory.writeDescription(tmp, md, CifarTranslator.CLASSES, ModelDirectory.PYTORCH, Precision.FP32);
            Files.writeString(tmp.resolve(WEIGHTS_STAMP), weightsStamp);
            if (quantizedStamp != null) {
                Files.writeString(tmp.resolve(INT8_STAMP), quantizedStamp);
            }
        });
        INSTALLED.put(name, dir);
        writeRepositoryMetadata(name);
        return dir;
    }

    /** Adds or replaces the int8 file and its ranges in an installed directory, each atomically. */
    private static void addInt8(Path dir, String name, String int8Stamp) throws IOException {
        Path stamp = dir.resolve(INT8_STAMP);
        Path file = dir.resolve(Precision.INT8.onnxName(name));
        if (Files.isRegularFile(stamp) && Files.isRegularFile(file) && Files.readString(stamp).equals(int8Stamp)) {
            return;
        }
        byte[] int8 = bytes(name, Precision.INT8.onnxName(name));
        byte[] ranges = bytes(name, RANGES);
        AtomicFiles.write(file, out -> out.write(int8));
        if (ranges != null) {
            AtomicFiles.write(dir.resolve(RANGES), out -> out.write(ranges));
        }
        AtomicFiles.write(stamp, out -> out.write(int8Stamp.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the model's repository metadata unless the cache already holds this very text. */
    private static void writeRepositoryMetadata(String name) throws IOException {
        Path file = cacheRoot().resolve(name).resolve("metadata.json");
        byte[] text = repositoryMetadata(name).getBytes(StandardCharsets.UTF_8);
        // A cache written by an earlier version may describe fewer artifacts than this jar ships.
        if (!Files.isRegularFile(file) || !java.util.Arrays.equals(Files.readAllBytes(file), text)) {
            AtomicFiles.write(file, out -> out.write(text));
        }
    }

    /**
     * Installs a model, logging instead of failing (DJL's {@code djl://} lookup then reports).
     *
     * @param name the model's name
     */
    static void installQuietly(String name) {
        try {
            install(name);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("could not place {} in DJL's model cache: {}", name, e.getMessage());
        }
    }

    private static String repositoryMetadata(String name) {
        Architectures.Spec spec = Architectures.spec(name);
        return "{\n"
                + "  \"metadataVersion\": \"0.2\",\n"
                + "  \"resourceType\": \"model\",\n"
                + "  \"application\": \"cv/image_classification\",\n"
                + "  \"groupId\": \"" + AttentionZoo.GROUP_ID + "\",\n"
                + "  \"artifactId\": \"" + name + "\",\n"
                + "  \"name\": \"" + name + "\",\n"
                + "  \"description\": \"" + spec.description() + "\",\n"
                + "  \"lastUpdated\": \"" + NEVER_STALE + "\",\n"
                + "  \"artifacts\": [\n"
                // DJL takes the first artifact the filters match: fp32 first, so it stays the default.
                + artifact(name, Precision.FP32)
                + (resource(name, Precision.INT8.onnxName(name)) == null ? "" : ",\n" + artifact(name, Precision.INT8))
                + "\n"
                + "  ]\n"
                + "}\n";
    }

    /**
     * One artifact of a model's repository metadata. Both precisions live in the same directory;
     * the {@code precision} property is what {@code optFilter("precision", "int8")} matches, and
     * {@code modelName} picks the ONNX file.
     */
    private static String artifact(String name, Precision precision) {
        String file = precision.onnxName(name).replaceFirst("\\.onnx$", "");
        return "    {\n"
                + "      \"version\": \"" + VERSION + "\",\n"
                + "      \"snapshot\": false,\n"
                + "      \"name\": \"\",\n"
                + "      \"properties\": {\"dataset\": \"cifar10\", \"" + Precision.KEY + "\": \"" + precision + "\"},\n"
                + "      \"arguments\": {\n"
                // int8 exists on ONNX Runtime only: no block factory, so PyTorch finds no network to build.
                + (precision == Precision.FP32 ? "        \"blockFactory\": \"" + ZooBlockFactory.class.getName() + "\",\n" : "")
                + "        \"translatorFactory\": \"" + CifarTranslatorFactory.class.getName() + "\"\n"
                + "      },\n"
                // Read by ONNX Runtime alone (PyTorch ignores them): the session settings measured fastest.
                + "      \"options\": {\"modelName\": \"" + file + "\", \"optLevel\": \"ALL_OPT\","
                + " \"executionMode\": \"SEQUENTIAL\", \"interOpNumThreads\": \"1\"},\n"
                + "      \"files\": {}\n"
                + "    }";
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
