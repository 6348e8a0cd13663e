package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.attentionzoo.engine.EngineSetup;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.OnnxMetadataProps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Saves and loads model directories: the parameters in DJL's format ({@code <architecture>-NNNN.params}),
 * {@value ModelMetadata#FILE} and {@code synset.txt}. Directories are written atomically.
 */
public final class ModelArtifacts {

    /** The class-name file of a model directory. */
    public static final String SYNSET = "synset.txt";
    /** The file that tells DJL (Criteria and DJL Serving) how to load a model directory. */
    public static final String SERVING_PROPERTIES = "serving.properties";

    /** DJL's name of the PyTorch engine, the one that trains and the default. */
    public static final String PYTORCH = "PyTorch";
    /** DJL's name of the ONNX Runtime engine, which serves exported models. */
    public static final String ONNX_RUNTIME = "OnnxRuntime";
    /**
     * The model property {@link #loadOnnx} sets, to a sentence for the user, when the {@code .onnx}
     * carries none of the project's metadata (a user's own export), so only its shapes were checked.
     */
    public static final String ONNX_UNCHECKED = "attentionzoo.onnx_unchecked";

    private ModelArtifacts() {}

    /**
     * Returns the ONNX Runtime session options the zoo's models run fastest with on a CPU, as
     * measured (docs/performance.md): all graph optimizations, sequential execution with one
     * inter-op thread, and one intra-op thread per core. A caller's own options win.
     *
     * @param options the caller's options (may be null)
     * @return the options to load with
     */
    public static Map<String, Object> onnxOptions(Map<String, ?> options) {
        Map<String, Object> o = new HashMap<>();
        o.put("optLevel", "ALL_OPT");
        o.put("executionMode", "SEQUENTIAL");
        o.put("interOpNumThreads", "1");
        o.put("intraOpNumThreads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (options != null) {
            o.putAll(options);
        }
        return o;
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
     * Loads a model directory's ONNX file on ONNX Runtime, checking that it is the model the
     * directory's metadata says: the architecture, class count and input size the file's own
     * metadata_props record (an export by this project) must match {@value ModelMetadata#FILE}, and
     * it must take that input and give that many classes. A file without the project's metadata is
     * checked by its shapes alone, and the model's {@link #ONNX_UNCHECKED} property says so.
     *
     * @param dir the model directory
     * @param device the device, or null for the engine's default
     * @param options ONNX Runtime session options over {@link #onnxOptions}'s (may be null)
     * @return the model, ready for inference
     * @throws IOException naming the file and what is wrong with it
     */
    public static Model loadOnnx(Path dir, Device device, Map<String, ?> options) throws IOException {
        return loadOnnx(dir, device, options, Precision.FP32);
    }

    /**
     * Loads a model directory's ONNX file of a precision on ONNX Runtime: {@code ARCH.onnx} (as
     * {@link #loadOnnx(Path, Device, Map)}) or {@code ARCH-int8.onnx}.
     *
     * @param dir the model directory
     * @param device the device, or null for the engine's default
     * @param options ONNX Runtime session options over {@link #onnxOptions}'s (may be null)
     * @param precision which of the directory's files to load
     * @return the model, ready for inference
     * @throws IOException naming the file and what is wrong with it
     */
    public static Model loadOnnx(Path dir, Device device, Map<String, ?> options, Precision precision)
            throws IOException {
        ModelMetadata metadata = ModelMetadata.read(dir);
        Path file;
        if (precision == Precision.INT8) {
            file = dir.resolve(precision.onnxName(metadata.architecture));
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "no int8 model: export one with export-onnx"
                        + " --precision int8");
            }
        } else {
            file = findOnnx(dir, metadata.architecture);
        }
        if (file == null) {
            throw new NoSuchFileException(dir.toString(), null, "no .onnx file: export the model to ONNX first");
        }
        Model model = Model.newInstance(metadata.architecture, device, ONNX_RUNTIME);
        try {
            describe(model, metadata);
            String prefix = file.getFileName().toString().replaceFirst("\\.onnx$", "");
            try {
                model.load(dir, prefix, onnxOptions(options));
                EngineSetup.prepare(model.getNDManager().getEngine());
            } catch (MalformedModelException | RuntimeException e) {
                throw new IOException(file + ": not a model ONNX Runtime can load ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage()))
                        + ")", e);
            }
            checkOnnx(model, file, metadata);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Checks a model loaded on ONNX Runtime from {@code file} against its directory's metadata, as
     * {@link #loadOnnx} does; also called for a model DJL loaded by itself ({@code Criteria} with a
     * model path, DJL Serving), through {@link CifarTranslatorFactory}.
     */
    static void checkOnnx(Model model, Path file, ModelMetadata metadata) throws IOException {
        String unchecked = checkOnnxMetadata(file, metadata);
        if (unchecked != null) {
            model.setProperty(ONNX_UNCHECKED, unchecked);
        }
        checkOnnxShapes(model, file, metadata);
    }

    /**
     * Refuses an ONNX file whose own metadata names another architecture, class count or input size
     * than the directory's: shapes alone cannot tell resnet20 from se_resnet20.
     *
     * @return a note for the user when the file carries no metadata of this project, else null
     */
    private static String checkOnnxMetadata(Path file, ModelMetadata metadata) throws IOException {
        Map<String, String> props = OnnxMetadataProps.read(file);
        String architecture = props.get("architecture");
        if (architecture == null) {
            return file + ": holds no attentionzoo metadata (an export of your own?), so whether it is "
                    + metadata.architecture + " could not be checked; only its input and output shapes were";
        }
        List<String> differ = new ArrayList<>();
        List<String> want = new ArrayList<>();
        compare("architecture", architecture, metadata.architecture, differ, want);
        compare("num_classes", props.get("num_classes"), Integer.toString(metadata.numClasses()), differ, want);
        compare("input_size", props.get("input_size"), Integer.toString(metadata.inputSize), differ, want);
        if (!differ.isEmpty()) {
            throw new IOException(file + ": its own metadata says " + String.join(", ", differ) + ", but "
                    + file.resolveSibling(ModelMetadata.FILE) + " says " + String.join(", ", want)
                    + ": the file is another model; export this one (export-onnx), or keep that file in its own directory");
        }
        return null;
    }

    private static void compare(String key, String got, String want, List<String> differ, List<String> wanted) {
        if (!want.equals(got)) {
            differ.add(key + "=" + (got == null ? "(absent)" : got));
            wanted.add(key + "=" + want);
        }
    }

    /**
     * Refuses an ONNX file of another input size or class count than its directory's metadata, by
     * running one blank image through it (DJL's ONNX Runtime block declares neither shape).
     */
    private static void checkOnnxShapes(Model model, Path file, ModelMetadata metadata) throws IOException {
        int size = metadata.inputSize;
        String expected = ModelMetadata.FILE + " in " + file.getParent() + " says input [N, 3, " + size + ", " + size
                + "] and output [N, " + metadata.numClasses() + "] (" + metadata.architecture + ")";
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList out;
            try {
                out = model.getBlock().forward(new ParameterStore(manager, false),
                        new NDList(manager.create(new float[3 * size * size], new Shape(1, 3, size, size))), false);
            } catch (RuntimeException e) {
                throw new IOException(file + ": does not take that input (" + Messages.firstLine(e.getMessage())
                        + "); " + expected, e);
            }
            Shape shape = out.size() == 1 ? out.head().getShape() : null;
            if (shape == null || shape.dimension() != 2 || shape.get(0) != 1 || shape.get(1) != metadata.numClasses()) {
                throw new IOException(file + ": gives " + (shape == null ? out.size() + " outputs" : "output of shape "
                        + shape + " for one image") + ", but " + expected);
            }
        }
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
        AtomicFiles.writeDirectory(dir, tmp -> {
            model.save(tmp, metadata.architecture);
            writeDescription(tmp, metadata, synset);
            checkLoads(tmp, dir, PYTORCH);
        });
    }

    /**
     * Loads a model directory just written to a temporary place, before it replaces {@code target}:
     * a directory that would not load is never put in place.
     *
     * @param written the complete directory, not yet renamed
     * @param target where it is going, the name messages use
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @throws java.io.UncheckedIOException naming {@code target} and what does not load; unchecked,
     *     so that {@link AtomicFiles#writeDirectory} does not report a write that went well as failed
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
        try (Model check = ONNX_RUNTIME.equals(engine) ? loadOnnx(written, null, null, precision)
                : load(written, null)) {
            check.getName();
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new java.io.UncheckedIOException(target + ": the directory written does not load ("
                    + reason.replace(written.toString(), target.toString()) + "); nothing was written",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * Writes everything of a model directory but its parameters: metadata, synset and the
     * serving.properties that let DJL load it without our help.
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
     * Writes everything of a model directory but its network, for serving on an engine in a
     * precision: an int8 directory is served from its {@code ARCH-int8.onnx}.
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
        metadata.write(dir);
        Files.write(dir.resolve(SYNSET), synset, StandardCharsets.UTF_8);
        String properties = servingProperties(metadata, engine);
        if (precision == Precision.INT8) {
            properties = properties.replace("option.modelName=" + metadata.architecture + "\n",
                    "option.modelName=" + Precision.INT8.onnxName(metadata.architecture).replaceFirst("\\.onnx$", "") + "\n");
        }
        Files.writeString(dir.resolve(SERVING_PROPERTIES), properties, StandardCharsets.UTF_8);
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
     * Returns the serving.properties of a model directory served on an engine: on ONNX Runtime the
     * directory's {@code .onnx} is the network, and no block factory is named.
     *
     * @param metadata the model's metadata
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @return the file's text
     */
    public static String servingProperties(ModelMetadata metadata, String engine) {
        return "# Written by attentionzoo: DJL Serving and Criteria load this directory as it is.\n"
                + "engine=" + engine + "\n"
                + (engine.equals(PYTORCH) ? "blockFactory=" + ZooBlockFactory.class.getName() + "\n" : "")
                + "translatorFactory=" + CifarTranslatorFactory.class.getName() + "\n"
                + "option.modelName=" + metadata.architecture + "\n"
                + "application=cv/image_classification\n";
    }

    /**
     * Records a model's input size and class count as model properties, for the translator.
     *
     * @param model the model
     * @param metadata its metadata
     */
    public static void describe(Model model, ModelMetadata metadata) {
        model.setProperty("attentionzoo.architecture", metadata.architecture);
        model.setProperty("attentionzoo.input_size", Integer.toString(metadata.inputSize));
        model.setProperty("attentionzoo.num_classes", Integer.toString(metadata.numClasses()));
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
     * Creates a model holding the untrained network a metadata file describes, with the properties
     * the translator reads: the one place a zoo model is put together.
     *
     * @param metadata the metadata
     * @param device the device, or null for the engine's default
     * @return the model; its block is not initialized
     */
    public static Model newModel(ModelMetadata metadata, Device device) {
        Model model = Model.newInstance(metadata.architecture, device);
        EngineSetup.prepare(model.getNDManager().getEngine());
        model.setBlock(newBlock(metadata));
        describe(model, metadata);
        return model;
    }

    /**
     * Loads a model directory.
     *
     * @param dir the directory
     * @param device the device, or null for the engine's default
     * @return the model, ready for inference
     * @throws IOException when a file is missing or damaged, naming it
     */
    public static Model load(Path dir, Device device) throws IOException {
        ModelMetadata metadata = ModelMetadata.read(dir);
        Model model = newModel(metadata, device);
        try {
            loadParameters(model, dir, metadata);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
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
        Path params = findParams(dir, metadata.architecture);
        long size = Files.size(params);
        List<Shape> expected = expectedShapes(metadata);
        long needed = 4 * expected.stream().mapToLong(Shape::size).sum();
        // Checked before DJL reads it: every stored array is at least its float32 data, so a shorter
        // file is truncated, and no array it declares can be larger than the file.
        if (size == 0) {
            throw new IOException(params + ": parameter file is empty");
        }
        if (size < needed) {
            throw new IOException(String.format(java.util.Locale.ROOT, "%s: %,d bytes, fewer than the %,d that %s with"
                    + " the options in %s (%s) needs: the file is truncated, or the metadata does not describe these"
                    + " weights", params, size, needed, metadata.architecture, dir.resolve(ModelMetadata.FILE),
                    metadata.options));
        }
        try {
            model.load(dir, metadata.architecture);
        } catch (MalformedModelException | IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof java.io.EOFException) {
                throw new IOException(params + ": truncated parameter file (it ends before its last parameter)", e);
            }
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new IOException(params + ": damaged parameter file, or one that does not fit "
                    + metadata.architecture + " (" + reason + ")", e);
        }
        checkShapes(model, params, metadata, expected);
    }

    /** The shape of every parameter of the network a metadata file describes, in the block's order. */
    private static List<Shape> expectedShapes(ModelMetadata metadata) {
        Block block = newBlock(metadata);
        try (NDManager manager = NDManager.newBaseManager()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, metadata.inputSize, metadata.inputSize));
            List<Shape> shapes = new java.util.ArrayList<>();
            for (var p : block.getParameters()) {
                shapes.add(p.getValue().getArray().getShape());
            }
            return shapes;
        }
    }

    /**
     * Compares every loaded parameter's shape with the one the metadata's architecture and options
     * give: DJL takes a stored array as it is, so metadata whose {@code num_classes} or SE widths
     * contradict the weights would otherwise load, and be copied on export.
     */
    private static void checkShapes(Model model, Path params, ModelMetadata metadata, List<Shape> want)
            throws IOException {
        PairList<String, Parameter> got = model.getBlock().getParameters();
        for (int i = 0; i < want.size(); i++) {
            Shape w = want.get(i);
            Shape g = got.get(i).getValue().getArray().getShape();
            if (!w.equals(g)) {
                throw new IOException(String.format(Locale.ROOT, "%s: parameter %s has shape %s, but %s with the options in %s"
                        + " (%s) needs %s: the metadata does not describe these weights", params,
                        got.get(i).getKey(), g, metadata.architecture, ModelMetadata.FILE, metadata.options, w));
            }
        }
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
     * @param name the parameter file prefix
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
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    }
}
