package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.attentionzoo.engine.EngineSetup;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.OnnxMetadataProps;
import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    private static final String STRUCTURE = "attentionzoo.structure";

    private final Path path;
    private final ModelDescription metadata;
    /** Every name in the directory, and which of them are regular files, as listed when opened. */
    private final Set<String> names;
    private final Set<String> files;
    private volatile List<String> classNames;

    private ModelDirectory(Path path, ModelDescription metadata, Set<String> names, Set<String> files,
            List<String> classNames) {
        this.path = path;
        this.metadata = metadata;
        this.names = names;
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
        Set<String> names = new TreeSet<>();
        Set<String> files = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                names.add(name);
                if (Files.isRegularFile(p)) {
                    files.add(name);
                }
            }
        }
        return new ModelDirectory(dir, metadata, names, files, classNames);
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
            c = readClassNames(names.contains(SYNSET) ? path.resolve(SYNSET) : null, metadata.numClasses());
            classNames = c;
        }
        return c;
    }

    /**
     * Reads and checks a synset file, or gives the default names.
     *
     * @param file the file, or null when there is none
     * @param numClasses the model's outputs, or -1 when not known
     * @return the names
     */
    static List<String> readClassNames(Path file, int numClasses) {
        if (file == null) {
            return CifarTranslator.defaultSynset(numClasses < 0 ? 10 : numClasses);
        }
        List<String> read;
        try {
            read = TextFiles.readLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> seen = new HashSet<>();
        for (String n : read) {
            if (!seen.add(n)) {
                // One output would be reported under another's name.
                throw new IllegalArgumentException(file + ": class name '" + n + "' appears more than once;"
                        + " give each class its own name");
            }
        }
        if (numClasses >= 0 && read.size() != numClasses) {
            // Fewer names would drop classes from every answer, more would name classes that do not exist.
            throw new IllegalArgumentException(file + ": " + read.size() + " class names, but the model has "
                    + numClasses + " outputs; give one name per line for each class");
        }
        return read;
    }

    /**
     * Whether the directory holds PyTorch weights ({@code <architecture>-NNNN.params}).
     *
     * @return true when it does
     */
    public boolean hasParameters() {
        return findParams() != null;
    }

    private String findParams() {
        String name = metadata.architecture();
        Pattern numbered = Pattern.compile(Pattern.quote(name) + "-\\d{4}\\.params");
        String found = null;
        for (String f : names) {
            if ((f.equals(name + ".params") || numbered.matcher(f).matches()) && (found == null || f.compareTo(found) > 0)) {
                found = f;
            }
        }
        return found;
    }

    /**
     * Returns the parameter file, the newest when there are several.
     *
     * @return the file
     * @throws IOException when there is none, saying so when the directory holds an ONNX model instead
     */
    public Path parametersFile() throws IOException {
        String found = findParams();
        if (found != null) {
            return path.resolve(found);
        }
        String name = metadata.architecture();
        Path onnx = onnxFile(Precision.FP32);
        if (onnx != null) {
            // A directory export-serving wrote for ONNX Runtime: not damage, another engine's model.
            throw new NoSuchFileException(path.toString(), null, "holds an ONNX model (" + onnx.getFileName()
                    + ") and no PyTorch weights (" + name + "-0000.params): run it on ONNX Runtime (--engine"
                    + " OnnxRuntime), where it loads by itself, or use that .onnx file as it is");
        }
        throw new NoSuchFileException(path.resolve(name + "-0000.params").toString(), null, "missing weights file");
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
        String named = precision.onnxName(metadata.architecture());
        if (files.contains(named)) {
            return path.resolve(named);
        }
        if (precision == Precision.INT8) {
            return null;
        }
        String int8 = Precision.INT8.onnxName("");
        // An int8 file is never taken for the float model: int8 is asked for by name.
        List<String> all = files.stream().filter(f -> f.endsWith(".onnx") && !f.endsWith(int8)).sorted().toList();
        if (all.size() > 1) {
            throw new IOException(path + ": holds " + all.size() + " .onnx files and none is named "
                    + named + "; keep one");
        }
        return all.isEmpty() ? null : path.resolve(all.get(0));
    }

    /**
     * Whether the directory holds a file (a regular file, as listed when it was opened).
     *
     * @param name the file's name
     * @return true when it does
     */
    public boolean hasFile(String name) {
        return files.contains(name);
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

    private static String structure(ModelDescription d) {
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
            return loadOnnx(device, options, precision);
        }
        if (!PYTORCH.equals(engine)) {
            throw new IllegalArgumentException("attentionzoo models run on PyTorch or OnnxRuntime, not " + engine);
        }
        if (precision == Precision.INT8) {
            throw new IllegalArgumentException(metadata.architecture() + " runs in int8 on OnnxRuntime only");
        }
        Model model = newModel(device);
        try {
            loadParameters(model);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
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
        loadParameters(model, -1);
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
        Model model = newModel(tuned, device);
        try {
            loadParameters(model, numClasses);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new Pair<>(model, tuned);
    }

    /**
     * Loads the parameters; with {@code newClasses} ≥ 0 the model's classifier has that many
     * outputs instead of the directory's, and gets fresh values.
     */
    private void loadParameters(Model model, int newClasses) throws IOException {
        Path params = parametersFile();
        long size = Files.size(params);
        String architecture = metadata.architecture();
        Block block = model.getBlock();
        Map<NDArray, Boolean> drawn = new IdentityHashMap<>();
        if (!block.isInitialized()) {
            initialize(model, metadata.inputSize());
            for (Pair<String, Parameter> p : block.getParameters()) {
                drawn.put(p.getValue().getArray(), Boolean.TRUE);
            }
        }
        Set<String> head = newClasses >= 0 ? headNames(block) : Set.of();
        // What the file must hold: the initialized shapes, the classifier's with the directory's class count.
        PairList<String, Parameter> got = block.getParameters();
        List<Shape> want = new ArrayList<>();
        Map<String, Shape> fresh = new HashMap<>();
        for (Pair<String, Parameter> p : got) {
            Shape s = p.getValue().getArray().getShape();
            if (head.contains(p.getKey())) {
                fresh.put(p.getKey(), s);
                if (s.dimension() > 0 && s.get(0) == newClasses) {
                    long[] dims = s.getShape().clone(); // getShape() hands out the shape's own array
                    dims[0] = metadata.numClasses();
                    s = new Shape(dims);
                }
            }
            want.add(s);
        }
        long needed = 4 * want.stream().mapToLong(Shape::size).sum();
        // Checked before DJL reads it: every stored array is at least its float32 data, so a shorter
        // file is truncated, and no array it declares can be larger than the file.
        if (size == 0) {
            throw new IOException(params + ": parameter file is empty");
        }
        if (size < needed) {
            throw new IOException(String.format(Locale.ROOT, "%s: %,d bytes, fewer than the %,d that %s with"
                    + " the options in %s (%s) needs: the file is truncated, or the metadata does not describe these"
                    + " weights", params, size, needed, architecture, path.resolve(METADATA), metadata.options()));
        }
        // DJL restores the properties a model was saved with: this model's own say what it is now.
        Map<String, String> own = new HashMap<>(model.getProperties());
        try {
            model.load(path, architecture);
        } catch (MalformedModelException | IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof java.io.EOFException) {
                throw new IOException(params + ": truncated parameter file (it ends before its last parameter)", e);
            }
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new IOException(params + ": damaged parameter file, or one that does not fit "
                    + architecture + " (" + reason + ")", e);
        } finally {
            own.forEach(model::setProperty);
        }
        // The values drawn only to learn the shapes: the file's replaced them.
        for (Pair<String, Parameter> p : block.getParameters()) {
            drawn.remove(p.getValue().getArray());
        }
        drawn.keySet().forEach(NDArray::close);
        checkShapes(got, params, want);
        for (Pair<String, Parameter> p : got) {
            if (head.contains(p.getKey())) {
                // The old classifier's values go; the new one starts from its initializer.
                Parameter parameter = p.getValue();
                parameter.close();
                parameter.setShape(fresh.get(p.getKey()));
                parameter.initialize(model.getNDManager(), DataType.FLOAT32);
            }
        }
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
     * Compares every loaded parameter's shape with the one the metadata's architecture and options
     * give: DJL takes a stored array as it is, so metadata whose {@code num_classes} or SE widths
     * contradict the weights would otherwise load, and be copied on export.
     */
    private void checkShapes(PairList<String, Parameter> got, Path params, List<Shape> want) throws IOException {
        for (int i = 0; i < want.size(); i++) {
            Shape w = want.get(i);
            Shape g = got.get(i).getValue().getArray().getShape();
            if (!w.equals(g)) {
                throw new IOException(String.format(Locale.ROOT, "%s: parameter %s has shape %s, but %s with the options in %s"
                        + " (%s) needs %s: the metadata does not describe these weights", params,
                        got.get(i).getKey(), g, metadata.architecture(), METADATA, metadata.options(), w));
            }
        }
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
     * Loads the ONNX file of a precision on ONNX Runtime, checking that it is the model the
     * metadata says: the architecture, class count and input size the file's own metadata_props
     * record (an export by this project) must match, and it must take that input and give that
     * many classes. A file without the project's metadata is checked by its shapes alone, and the
     * model's {@link #ONNX_UNCHECKED} property says so.
     */
    private Model loadOnnx(Device device, Map<String, ?> options, Precision precision) throws IOException {
        Path file = onnxFile(precision);
        if (file == null && precision == Precision.INT8) {
            throw new NoSuchFileException(path.resolve(precision.onnxName(metadata.architecture())).toString(), null,
                    "no int8 model: export one with export-onnx --precision int8");
        }
        if (file == null) {
            throw new NoSuchFileException(path.toString(), null, "no .onnx file: export the model to ONNX first");
        }
        Model model = Model.newInstance(metadata.architecture(), device, ONNX_RUNTIME);
        try {
            describe(model, metadata);
            String prefix = file.getFileName().toString().replaceFirst("\\.onnx$", "");
            try {
                model.load(path, prefix, onnxOptions(options));
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
     * {@link #load} does; also called for a model DJL loaded by itself ({@code Criteria} with a
     * model path, DJL Serving), through {@link CifarTranslatorFactory}.
     */
    static void checkOnnx(Model model, Path file, ModelDescription metadata) throws IOException {
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
    private static String checkOnnxMetadata(Path file, ModelDescription metadata) throws IOException {
        Map<String, String> props = OnnxMetadataProps.read(file);
        String architecture = props.get("architecture");
        if (architecture == null) {
            return file + ": holds no attentionzoo metadata (an export of your own?), so whether it is "
                    + metadata.architecture() + " could not be checked; only its input and output shapes were";
        }
        List<String> differ = new ArrayList<>();
        List<String> want = new ArrayList<>();
        compare("architecture", architecture, metadata.architecture(), differ, want);
        compare("num_classes", props.get("num_classes"), Integer.toString(metadata.numClasses()), differ, want);
        compare("input_size", props.get("input_size"), Integer.toString(metadata.inputSize()), differ, want);
        if (!differ.isEmpty()) {
            throw new IOException(file + ": its own metadata says " + String.join(", ", differ) + ", but "
                    + file.resolveSibling(METADATA) + " says " + String.join(", ", want)
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
    private static void checkOnnxShapes(Model model, Path file, ModelDescription metadata) throws IOException {
        int size = metadata.inputSize();
        String expected = METADATA + " in " + file.getParent() + " says input [N, 3, " + size + ", " + size
                + "] and output [N, " + metadata.numClasses() + "] (" + metadata.architecture() + ")";
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
        boolean built = structure(description).equals(model.getProperty(STRUCTURE));
        AtomicFiles.writeDirectory(dir, tmp -> {
            model.save(tmp, description.architecture());
            writeDescription(tmp, description, classNames, PYTORCH, Precision.FP32);
            if (built) {
                checkWritten(model, tmp, dir, description);
            } else {
                checkLoads(tmp, dir, PYTORCH, Precision.FP32);
            }
        });
        return listed(dir, description, null);
    }

    /**
     * Checks a directory just written from a model whose network was built from the same
     * description: the parameter file holds at least every parameter's data, and the metadata
     * reads back as written.
     */
    private static void checkWritten(Model model, Path written, Path target, ModelDescription description) {
        try {
            ModelDirectory d = listed(written, description, null);
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
        try (Model check = open(written).load(engine, null, null, ONNX_RUNTIME.equals(engine) ? precision : Precision.FP32)) {
            check.getName();
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new UncheckedIOException(target + ": the directory written does not load ("
                    + reason.replace(written.toString(), target.toString()) + "); nothing was written",
                    e instanceof IOException io ? io : new IOException(e));
        }
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

    /**
     * Returns the serving.properties of a model directory served on an engine: on ONNX Runtime the
     * directory's {@code .onnx} is the network, and no block factory is named.
     *
     * @param description what the model is
     * @param engine {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @return the file's text
     */
    public static String servingProperties(ModelDescription description, String engine) {
        return "# Written by attentionzoo: DJL Serving and Criteria load this directory as it is.\n"
                + "engine=" + engine + "\n"
                + (engine.equals(PYTORCH) ? "blockFactory=" + ZooBlockFactory.class.getName() + "\n" : "")
                + "translatorFactory=" + CifarTranslatorFactory.class.getName() + "\n"
                + "option.modelName=" + description.architecture() + "\n"
                + "application=cv/image_classification\n";
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
