package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/**
 * Saves and loads model directories by path, kept so that code written against it still compiles:
 * every method opens the directory anew.
 *
 * @deprecated Open a directory once with {@link ModelDirectory#open} and call {@link
 *     ModelDirectory#load}, {@link ModelDirectory#parametersFile}, {@link ModelDirectory#onnxFile}
 *     on it; write one with {@link ModelDirectory#write} and {@link ModelDirectory#writeDescription}.
 */
@Deprecated
public final class ModelArtifacts {

    /** The class-name file of a model directory. */
    public static final String SYNSET = ModelDirectory.SYNSET;
    /** The file that tells DJL (Criteria and DJL Serving) how to load a model directory. */
    public static final String SERVING_PROPERTIES = ModelDirectory.SERVING_PROPERTIES;
    /** DJL's name of the PyTorch engine, the one that trains and the default. */
    public static final String PYTORCH = ModelDirectory.PYTORCH;
    /** DJL's name of the ONNX Runtime engine, which serves exported models. */
    public static final String ONNX_RUNTIME = ModelDirectory.ONNX_RUNTIME;
    /** The model property {@link #loadOnnx} sets when the {@code .onnx} carries none of the project's metadata. */
    public static final String ONNX_UNCHECKED = ModelDirectory.ONNX_UNCHECKED;

    private ModelArtifacts() {}

    /**
     * Returns the ONNX Runtime session options the zoo's models run fastest with on a CPU.
     *
     * @param options the caller's options (may be null)
     * @return the options to load with
     */
    public static Map<String, Object> onnxOptions(Map<String, ?> options) {
        return ModelDirectory.onnxOptions(options);
    }

    /**
     * Finds the ONNX file of a model directory: {@code <architecture>.onnx}, else the only {@code .onnx}.
     *
     * @param dir the directory
     * @param architecture the architecture's name
     * @return the file, or null when the directory holds none
     * @throws IOException when the directory cannot be listed, or holds several and none is named for it
     */
    public static Path findOnnx(Path dir, String architecture) throws IOException {
        Path named = dir.resolve(architecture + ".onnx");
        if (Files.isRegularFile(named)) {
            return named;
        }
        String int8 = Precision.INT8.onnxName("");
        try (Stream<Path> s = Files.list(dir)) {
            // An int8 file is never taken for the float model: int8 is asked for by name.
            List<Path> all = s.filter(p -> p.getFileName().toString().endsWith(".onnx")
                    && !p.getFileName().toString().endsWith(int8) && Files.isRegularFile(p)).toList();
            if (all.size() > 1) {
                throw new IOException(dir + ": holds " + all.size() + " .onnx files and none is named "
                        + named.getFileName() + "; keep one");
            }
            return all.isEmpty() ? null : all.get(0);
        }
    }

    /**
     * Loads a model directory's ONNX file on ONNX Runtime.
     *
     * @param dir the model directory
     * @param device the device, or null for the engine's default
     * @param options ONNX Runtime session options (may be null)
     * @return the model, ready for inference
     * @throws IOException naming the file and what is wrong with it
     */
    public static Model loadOnnx(Path dir, Device device, Map<String, ?> options) throws IOException {
        return loadOnnx(dir, device, options, Precision.FP32);
    }

    /**
     * Loads a model directory's ONNX file of a precision on ONNX Runtime.
     *
     * @param dir the model directory
     * @param device the device, or null for the engine's default
     * @param options ONNX Runtime session options (may be null)
     * @param precision which of the directory's files to load
     * @return the model, ready for inference
     * @throws IOException naming the file and what is wrong with it
     */
    public static Model loadOnnx(Path dir, Device device, Map<String, ?> options, Precision precision)
            throws IOException {
        return ModelDirectory.open(dir).load(ONNX_RUNTIME, device, options, precision);
    }

    /**
     * Writes a model directory, replacing any at {@code dir} only once the new one is complete.
     *
     * @param model the model, with an initialized block
     * @param dir the directory
     * @param metadata what the model is
     * @param synset the class names
     * @throws IOException when writing fails
     */
    public static void save(Model model, Path dir, ModelMetadata metadata, List<String> synset) throws IOException {
        ModelDirectory.write(model, dir, description(metadata), synset);
    }

    /**
     * Loads a model directory just written, before it replaces {@code target}.
     *
     * @param written the complete directory, not yet renamed
     * @param target where it is going, the name messages use
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @throws java.io.UncheckedIOException naming {@code target} and what does not load
     */
    public static void checkLoads(Path written, Path target, String engine) {
        checkLoads(written, target, engine, Precision.FP32);
    }

    /**
     * Loads a model directory just written, at a precision, before it replaces {@code target}.
     *
     * @param written the complete directory, not yet renamed
     * @param target where it is going, the name messages use
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param precision the precision the directory is for (int8 on ONNX Runtime only)
     * @throws java.io.UncheckedIOException naming {@code target} and what does not load
     */
    public static void checkLoads(Path written, Path target, String engine, Precision precision) {
        ModelDirectory.checkLoads(written, target, engine, precision);
    }

    /**
     * Writes everything of a model directory but its parameters, for PyTorch.
     *
     * @param dir the directory
     * @param metadata the metadata
     * @param synset the class names
     * @throws IOException when writing fails
     */
    public static void writeDescription(Path dir, ModelMetadata metadata, List<String> synset) throws IOException {
        writeDescription(dir, metadata, synset, PYTORCH);
    }

    /**
     * Writes everything of a model directory but its network, for serving on an engine.
     *
     * @param dir the directory
     * @param metadata the metadata
     * @param synset the class names
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @throws IOException when writing fails
     */
    public static void writeDescription(Path dir, ModelMetadata metadata, List<String> synset, String engine)
            throws IOException {
        writeDescription(dir, metadata, synset, engine, Precision.FP32);
    }

    /**
     * Writes everything of a model directory but its network, for serving on an engine in a precision.
     *
     * @param dir the directory
     * @param metadata the metadata
     * @param synset the class names
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param precision which ONNX file DJL Serving loads
     * @throws IOException when writing fails
     */
    public static void writeDescription(Path dir, ModelMetadata metadata, List<String> synset, String engine,
            Precision precision) throws IOException {
        ModelDirectory.writeDescription(dir, description(metadata), synset, engine, precision);
    }

    /**
     * Returns the serving.properties of a model directory.
     *
     * @param metadata the model's metadata
     * @return the file's text
     */
    public static String servingProperties(ModelMetadata metadata) {
        return servingProperties(metadata, PYTORCH);
    }

    /**
     * Returns the serving.properties of a model directory served on an engine.
     *
     * @param metadata the model's metadata
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @return the file's text
     */
    public static String servingProperties(ModelMetadata metadata, String engine) {
        return ModelDirectory.servingProperties(description(metadata), engine);
    }

    /**
     * Records a model's input size and class count as model properties, for the translator.
     *
     * @param model the model
     * @param metadata its metadata
     */
    public static void describe(Model model, ModelMetadata metadata) {
        ModelDirectory.describe(model, description(metadata));
    }

    /**
     * Builds the untrained network a metadata file describes.
     *
     * @param metadata the metadata
     * @return the block
     */
    public static Block newBlock(ModelMetadata metadata) {
        return Architectures.build(metadata.architecture, metadata.options);
    }

    /**
     * Creates a model holding the untrained network a metadata file describes.
     *
     * @param metadata the metadata
     * @param device the device, or null for the engine's default
     * @return the model; its block is not initialized
     */
    public static Model newModel(ModelMetadata metadata, Device device) {
        return ModelDirectory.newModel(description(metadata), device);
    }

    /**
     * Loads a model directory on PyTorch.
     *
     * @param dir the directory
     * @param device the device, or null for the engine's default
     * @return the model, ready for inference
     * @throws IOException when a file is missing or damaged, naming it
     */
    public static Model load(Path dir, Device device) throws IOException {
        return ModelDirectory.open(dir).load(PYTORCH, device);
    }

    /**
     * Loads a directory's parameters into a model whose block was built from its metadata.
     *
     * @param model the model
     * @param dir the directory
     * @param metadata the directory's metadata
     * @throws IOException when the parameter file is missing, truncated or does not fit
     */
    public static void loadParameters(Model model, Path dir, ModelMetadata metadata) throws IOException {
        ModelDirectory.written(dir, description(metadata), null).loadParameters(model);
    }

    /**
     * Writes values into a parameter's array in place. It goes through an indexed assignment:
     * DJL 0.35.1's {@code NDArray.set(Buffer)} and {@code copyTo} enter libtorch's deprecated
     * {@code AutoNonVariableTypeMode}, which prints a 400-character warning no log level silences.
     *
     * @param target the array
     * @param values its new values, as many as it holds
     */
    public static void assign(NDArray target, float[] values) {
        try (NDArray v = target.getManager().create(values, target.getShape())) {
            target.set(new NDIndex("..."), v);
        }
    }

    /**
     * Finds the parameter file of a model directory.
     *
     * @param dir the directory
     * @param name the parameter file prefix (the architecture's name)
     * @return the file
     * @throws IOException when there is none, saying so when the directory holds an ONNX model instead
     */
    public static Path findParams(Path dir, String name) throws IOException {
        Path params;
        try (Stream<Path> s = Files.list(dir)) {
            params = s.filter(p -> {
                String f = p.getFileName().toString();
                return f.equals(name + ".params") || f.matches(java.util.regex.Pattern.quote(name) + "-\\d{4}\\.params");
            }).max(Path::compareTo).orElse(null);
        }
        if (params != null) {
            return params;
        }
        Path onnx = findOnnx(dir, name);
        if (onnx != null) {
            // A directory export-serving wrote for ONNX Runtime: not damage, another engine's model.
            throw new NoSuchFileException(dir.toString(), null, "holds an ONNX model (" + onnx.getFileName()
                    + ") and no PyTorch weights (" + name + "-0000.params): run it on ONNX Runtime (--engine"
                    + " OnnxRuntime), where it loads by itself, or use that .onnx file as it is");
        }
        throw new NoSuchFileException(dir.resolve(name + "-0000.params").toString(), null, "missing weights file");
    }

    /**
     * Initializes a block's parameters for an input of the architecture's size.
     *
     * @param model the model
     * @param inputSize the input side
     */
    public static void initialize(Model model, int inputSize) {
        ModelDirectory.initialize(model, inputSize);
    }

    private static ModelDescription description(ModelMetadata metadata) {
        return metadata.toDescription();
    }
}
