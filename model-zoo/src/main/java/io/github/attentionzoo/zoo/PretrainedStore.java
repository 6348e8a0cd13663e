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
     * Returns the metadata of a model's shipped weights (recipe, epochs, accuracy), or null.
     *
     * @param name the model's name
     * @return the metadata or null when no weights ship
     * @throws IOException when the shipped metadata is unreadable
     */
    public static ModelMetadata shippedMetadata(String name) throws IOException {
        URL url = resource(name, ModelMetadata.FILE);
        if (url == null || !hasWeights(name)) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return ModelMetadata.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), url.toString());
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
        // Hashing the weights once per JVM is enough: the jar cannot change under a running process.
        if (dir.equals(INSTALLED.get(name)) && Files.isRegularFile(dir.resolve(".attentionzoo-weights"))) {
            return dir;
        }
        byte[] params = null;
        byte[] onnx = null;
        ModelMetadata metadata = shippedMetadata(name);
        if (metadata != null) {
            try (InputStream in = resource(name, paramsName(name)).openStream()) {
                params = in.readAllBytes();
            }
            URL onnxUrl = resource(name, onnxName(name));
            if (onnxUrl != null) {
                try (InputStream in = onnxUrl.openStream()) {
                    onnx = in.readAllBytes();
                }
            }
        } else {
            metadata = ModelMetadata.untrained(name);
        }
        String stamp = params == null ? "untrained" : sha256(params) + (onnx == null ? "" : " onnx " + sha256(onnx));
        Path stampFile = dir.resolve(".attentionzoo-weights");
        if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
            INSTALLED.put(name, dir);
            return dir;
        }
        final byte[] weights = params;
        final byte[] graph = onnx;
        final ModelMetadata md = metadata;
        AtomicFiles.writeDirectory(dir, tmp -> {
            if (weights != null) {
                Files.write(tmp.resolve(paramsName(name)), weights);
            }
            if (graph != null) {
                Files.write(tmp.resolve(onnxName(name)), graph);
            }
            ModelArtifacts.writeDescription(tmp, md, CifarTranslator.CLASSES);
            Files.writeString(tmp.resolve(".attentionzoo-weights"), stamp);
        });
        INSTALLED.put(name, dir);
        AtomicFiles.write(cacheRoot().resolve(name).resolve("metadata.json"),
                out -> out.write(repositoryMetadata(name).getBytes(StandardCharsets.UTF_8)));
        return dir;
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
                + "    {\n"
                + "      \"version\": \"" + VERSION + "\",\n"
                + "      \"snapshot\": false,\n"
                + "      \"name\": \"\",\n"
                + "      \"properties\": {\"dataset\": \"cifar10\"},\n"
                + "      \"arguments\": {\n"
                + "        \"blockFactory\": \"" + ZooBlockFactory.class.getName() + "\",\n"
                + "        \"translatorFactory\": \"" + CifarTranslatorFactory.class.getName() + "\"\n"
                + "      },\n"
                // Read by ONNX Runtime alone (PyTorch ignores them): the session settings measured fastest.
                + "      \"options\": {\"modelName\": \"" + name + "\", \"optLevel\": \"ALL_OPT\","
                + " \"executionMode\": \"SEQUENTIAL\", \"interOpNumThreads\": \"1\"},\n"
                + "      \"files\": {}\n"
                + "    }\n"
                + "  ]\n"
                + "}\n";
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
