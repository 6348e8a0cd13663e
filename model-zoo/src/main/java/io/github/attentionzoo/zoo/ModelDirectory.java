package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.engine.EngineSetup;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An opened model directory: its {@value #METADATA} read and checked once, the files it holds
 * listed once, its class names read on first use; then loaded on an engine, as many times as
 * needed, without reading any of it again.
 *
 * <p>A model directory holds the parameters in DJL's format ({@code <architecture>-NNNN.params}),
 * ONNX files ({@code <architecture>.onnx}, {@code <architecture>-int8.onnx}), {@value #METADATA},
 * {@value #SYNSET} and the {@value #SERVING_PROPERTIES} that let DJL load it by itself. Directories
 * are written atomically ({@link #write}).
 *
 * <pre>{@code
 * ModelDirectory dir = ModelDirectory.open(Path.of("build/se_resnet20"));
 * try (Model model = dir.load(ModelDirectory.ONNX_RUNTIME, null)) {
 *     ... dir.metadata().inputSize(), dir.classNames() ...
 * }
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ModelDirectory {

    /** The metadata file of a model directory. */
    public static final String METADATA = "attentionzoo.json";
    /** The class-name file of a model directory. */
    public static final String SYNSET = "synset.txt";
    /** The file that tells DJL (Criteria and DJL Serving) how to load a model directory. */
    public static final String SERVING_PROPERTIES = "serving.properties";
    /** DJL's name of the PyTorch engine, the one that trains and the default. */
    public static final String PYTORCH = "PyTorch";
    /** DJL's name of the ONNX Runtime engine, which serves exported models. */
    public static final String ONNX_RUNTIME = "OnnxRuntime";
    /**
     * The model property {@link #load} sets on ONNX Runtime, to a sentence for the user, when the
     * {@code .onnx} carries none of the project's metadata (a user's own export), so only its
     * shapes were checked.
     */
    public static final String ONNX_UNCHECKED = "attentionzoo.onnx_unchecked";

    /** The model property naming the architecture, options and input side its block was built from. */
    static final String STRUCTURE = "attentionzoo.structure";

    private final Path path;
    private final ModelDescription metadata;
    /** The files it holds, as listed when opened. */
    private final DirectoryFiles files;
    private volatile List<String> classNames;

    private ModelDirectory(Path path, ModelDescription metadata, DirectoryFiles files, List<String> classNames) {
        this.path = path;
        this.metadata = metadata;
        this.files = files;
        this.classNames = classNames;
    }

    /**
     * Opens a model directory: reads and checks its metadata and lists its files.
     *
     * @param dir the directory
     * @return the opened directory
     * @throws IOException when it is not a model directory or its metadata is missing or damaged,
     *     in one line naming the file and what is wrong
     */
    public static ModelDirectory open(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileSystemException(dir.toString(), null,
                    "is " + AtomicFiles.kind(dir) + ", not a model directory");
        }
        Path file = AtomicFiles.recover(dir).resolve(METADATA);
        if (Files.notExists(file)) {
            throw new NoSuchFileException(dir.toString(), null, "not an attentionzoo model directory (no " + METADATA + ")");
        }
        ModelDescription metadata = ModelDescription.parse(TextFiles.read(file), file.toString());
        return listed(dir, metadata, null);
    }

    /** A directory whose metadata is known (just written from it): listed, not parsed again. */
    private static ModelDirectory listed(Path dir, ModelDescription metadata, List<String> classNames)
            throws IOException {
        return new ModelDirectory(dir, metadata, DirectoryFiles.list(dir, metadata.architecture()), classNames);
    }

    /**
     * Returns the directory's path.
     *
     * @return the path, as given to {@link #open}
     */
    public Path path() {
        return path;
    }

    /**
     * Returns what the directory says about its model.
     *
     * @return the metadata, read when the directory was opened
     */
    public ModelDescription metadata() {
        return metadata;
    }

    /**
     * Returns the class names, in output order: the directory's {@value #SYNSET}, else CIFAR-10's
     * when the model has ten outputs, else {@code class_0 ... class_n}. The file is read and
     * checked on the first call only.
     *
     * @return the names
     * @throws IllegalArgumentException when a name repeats, or there are not as many as the model has outputs
     * @throws UncheckedIOException when the file cannot be read
     */
    public List<String> classNames() {
        List<String> c = classNames;
        if (c == null) {
            c = ClassNames.read(files.contains(SYNSET) ? path.resolve(SYNSET) : null, metadata.numClasses());
            classNames = c;
        }
        return c;
    }

    /**
     * Whether the directory holds PyTorch weights ({@code <architecture>-NNNN.params}).
     *
     * @return true when it does
     */
    public boolean hasParameters() {
        return files.params() != null;
    }

    /**
     * Returns the parameter file, the newest when there are several.
     *
     * @return the file
     * @throws IOException when there is none, saying so when the directory holds an ONNX model instead
     */
    public Path parametersFile() throws IOException {
        return files.parametersFile();
    }

    /**
     * Whether the directory holds an ONNX file of a precision.
     *
     * @param precision fp32 ({@code <architecture>.onnx}, else the only {@code .onnx}) or int8 ({@code <architecture>-int8.onnx})
     * @return true when it does
     * @throws IOException when it holds several fp32 files and none is named for the architecture
     */
    public boolean hasOnnx(Precision precision) throws IOException {
        return onnxFile(precision) != null;
    }

    /**
     * Returns the ONNX file of a precision: for fp32 {@code <architecture>.onnx}, else the only
     * {@code .onnx} that is not int8; for int8 {@code <architecture>-int8.onnx}.
     *
     * @param precision the precision
     * @return the file, or null when the directory holds none
     * @throws IOException when it holds several fp32 files and none is named for the architecture
     */
    public Path onnxFile(Precision precision) throws IOException {
        return files.onnx(precision);
    }

    /**
     * Whether the directory holds a file (a regular file, as listed when it was opened).
     *
     * @param name the file's name
     * @return true when it does
     */
    public boolean hasFile(String name) {
        return files.hasFile(name);
    }

    /**
     * Builds the untrained network the directory describes.
     *
     * @return the block
     */
    public Block newBlock() {
        return Architectures.build(metadata.architecture(), metadata.options());
    }

    /**
     * Creates a model holding the untrained network the directory describes.
     *
     * @param device the device, or null for the engine's default
     * @return the model; its block is not initialized
     */
    public Model newModel(Device device) {
        return newModel(metadata, device);
    }

    /**
     * Creates a model holding the untrained network a description gives, with the properties the
     * translator reads: the one place a zoo model is put together.
     *
     * @param description what the model is
     * @param device the device, or null for the engine's default
     * @return the model; its block is not initialized
     */
    public static Model newModel(ModelDescription description, Device device) {
        Model model = Model.newInstance(description.architecture(), device);
        EngineSetup.prepare(model.getNDManager().getEngine());
        model.setBlock(Architectures.build(description.architecture(), description.options()));
        describe(model, description);
        model.setProperty(STRUCTURE, structure(description));
        return model;
    }

    static String structure(ModelDescription d) {
        return d.architecture() + " " + d.options() + " " + d.inputSize();
    }

    /**
     * Records a model's input size and class count as model properties, for the translator.
     *
     * @param model the model
     * @param description what it is
     */
    public static void describe(Model model, ModelDescription description) {
        model.setProperty("attentionzoo.architecture", description.architecture());
        model.setProperty("attentionzoo.input_size", Integer.toString(description.inputSize()));
        model.setProperty("attentionzoo.num_classes", Integer.toString(description.numClasses()));
    }

    /**
     * Initializes a model's block for an input of a side.
     *
     * @param model the model
     * @param inputSize the input side
     */
    public static void initialize(Model model, int inputSize) {
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    }

    /**
     * Loads the model in float32 on an engine.
     *
     * @param engine {@link #PYTORCH} (the parameters) or {@link #ONNX_RUNTIME} (the {@code .onnx})
     * @param device the device, or null for the engine's default
     * @return the model, ready for inference
     * @throws IOException when a file is missing or damaged, or does not fit the metadata, naming it
     */
    public Model load(String engine, Device device) throws IOException {
        return load(engine, device, null, Precision.FP32);
    }

    /**
     * Loads the model on an engine in a precision.
     *
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param device the device, or null for the engine's default
     * @param options ONNX Runtime session options over {@link #onnxOptions}'s (may be null; ignored on PyTorch)
     * @param precision fp32, or int8 (ONNX Runtime only, from {@code <architecture>-int8.onnx})
     * @return the model, ready for inference
     * @throws IOException when a file is missing or damaged, or does not fit the metadata, naming it
     * @throws IllegalArgumentException for another engine, or int8 on PyTorch
     */
    public Model load(String engine, Device device, Map<String, ?> options, Precision precision) throws IOException {
        if (ONNX_RUNTIME.equals(engine)) {
            return OnnxChecks.load(this, device, options, precision);
        }
        if (!PYTORCH.equals(engine)) {
            throw new IllegalArgumentException("attentionzoo models run on PyTorch or OnnxRuntime, not " + engine);
        }
        if (precision == Precision.INT8) {
            throw new IllegalArgumentException(metadata.architecture() + " runs in int8 on OnnxRuntime only");
        }
        return ParameterLoader.load(this, metadata, device, -1);
    }

    /**
     * Loads the directory's parameters into a model whose block was built from its metadata (by
     * {@link #newModel}, or initialized by the caller), checking the file's size before the
     * engine reads it and every parameter's shape after.
     *
     * @param model the model
     * @throws IOException when the parameter file is missing, truncated or does not fit
     */
    public void loadParameters(Model model) throws IOException {
        ParameterLoader.load(this, model, -1);
    }

    /**
     * Loads the model for further training with another number of classes: the network is built
     * once, for {@code numClasses}, every parameter but the classifier's is read from the
     * directory straight into it (no copy through Java arrays), and the classifier (the network's
     * last block) is drawn afresh.
     *
     * @param numClasses the classes of the new task
     * @param device the device, or null for the engine's default
     * @return the model, on PyTorch, and its description with the new class count
     * @throws IOException when a file is missing or damaged, or does not fit the metadata, naming it
     */
    public Pair<Model, ModelDescription> loadWithClasses(int numClasses, Device device) throws IOException {
        if (numClasses == metadata.numClasses()) {
            return new Pair<>(load(PYTORCH, device), metadata);
        }
        ModelDescription tuned = metadata.withOption("num_classes", Integer.toString(numClasses));
        return new Pair<>(ParameterLoader.load(this, tuned, device, numClasses), tuned);
    }

    /**
     * Returns the names of the classifier's parameters: the network's last block (the classifier
     * of every zoo architecture).
     *
     * @param block the network
     * @return the head's parameter names
     */
    public static Set<String> headNames(Block block) {
        Set<String> names = new HashSet<>();
        String last = block.getChildren().keys().get(block.getChildren().size() - 1);
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().startsWith(last + "_")) {
                names.add(p.getKey());
            }
        }
        return names;
    }

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
     * Writes a model directory for PyTorch, replacing any at {@code dir} only once the new one is
     * complete and checked: a directory that would not load is never put in place. A model built
     * by {@link #newModel} from this very architecture and options is checked against its own
     * parameters; any other is loaded back from the written files first.
     *
     * @param model the model, with an initialized block
     * @param dir the directory
     * @param description what the model is
     * @param classNames the class names
     * @return the directory written, opened (its metadata is not read back)
     * @throws IOException when writing fails, or what was written would not load
     */
    public static ModelDirectory write(Model model, Path dir, ModelDescription description, List<String> classNames)
            throws IOException {
        return DirectoryWriter.write(model, dir, description, classNames);
    }

    /**
     * Loads a model directory just written to a temporary place, before it replaces {@code target}:
     * a directory that would not load is never put in place.
     *
     * @param written the complete directory, not yet renamed
     * @param target where it is going, the name messages use
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param precision the precision the directory is for (int8 on ONNX Runtime only)
     * @throws UncheckedIOException naming {@code target} and what does not load; unchecked,
     *     so that {@link AtomicFiles#writeDirectory} does not report a write that went well as failed
     */
    public static void checkLoads(Path written, Path target, String engine, Precision precision) {
        DirectoryWriter.checkLoads(written, target, engine, precision);
    }

    /**
     * Writes everything of a model directory but its network, for serving on an engine in a
     * precision: metadata, class names and the serving.properties that let DJL load it without
     * our help (an int8 directory is served from its {@code <architecture>-int8.onnx}).
     *
     * @param dir the directory
     * @param description what the model is
     * @param classNames the class names
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param precision which ONNX file DJL Serving loads
     * @throws IOException when writing fails
     */
    public static void writeDescription(Path dir, ModelDescription description, List<String> classNames, String engine,
            Precision precision) throws IOException {
        DirectoryWriter.writeDescription(dir, description, classNames, engine, precision);
    }

    /**
     * Returns the serving.properties of a model directory served on an engine: on ONNX Runtime the
     * directory's {@code .onnx} is the network, and no block factory is named.
     *
     * @param description what the model is
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @return the file's text
     */
    public static String servingProperties(ModelDescription description, String engine) {
        return DirectoryWriter.servingProperties(description, engine);
    }

    /**
     * Opens a directory whose every file was just written from a known description, without
     * reading the metadata back (a temporary ONNX export, an install).
     *
     * @param dir the directory
     * @param description the description its metadata was written from
     * @param classNames its class names, or null to read them on first use
     * @return the opened directory
     * @throws IOException when the directory cannot be listed
     */
    public static ModelDirectory written(Path dir, ModelDescription description, List<String> classNames)
            throws IOException {
        return listed(dir, description, classNames);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return path.toString();
    }
}
