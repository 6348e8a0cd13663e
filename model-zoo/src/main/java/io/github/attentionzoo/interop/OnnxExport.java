package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.blockkinds.OnnxGraph;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a DJL network with its trained parameters as a standalone ONNX model (opset {@value #OPSET},
 * IR version {@value #IR_VERSION}), for ONNX Runtime, Python or C# users: no Python, no engine
 * export path, only the block tree and its parameter arrays.
 *
 * <p>The exporter walks the block tree and asks each block's kind for its ONNX nodes, so any
 * network whose blocks all have a kind in {@link BlockKinds#all()} exports, not only the zoo's:
 * DJL's sequential, convolution, BatchNorm, linear and lambda blocks, and the layers' blocks, with
 * BatchNorm folded into the convolution of a {@code ConvBnActBlock} as its inference pass does. A
 * block of any other class (a subclass included) is refused with an {@link
 * IllegalArgumentException} naming its class and its place in the tree.
 *
 * <p>The graph's input is {@value #INPUT}, float32 [batch, C, H, W] with a dynamic batch axis
 * named {@code batch}; its output is {@value #OUTPUT}. The file carries {@code metadata_props}
 * ({@link #metadata(String, List, int)}) that say how to prepare an image and name the classes.
 */
public final class OnnxExport {

    /** The ONNX operator set the graph uses. */
    public static final int OPSET = 17;
    /** The ONNX IR version of the file. */
    public static final int IR_VERSION = 8;
    /** The graph input's name. */
    public static final String INPUT = "input";
    /** The graph output's name. */
    public static final String OUTPUT = "logits";
    /** The producer recorded in the file. */
    public static final String PRODUCER = "attentionzoo";
    /** The name of the dynamic batch dimension. */
    public static final String BATCH = "batch";

    private static final Gson GSON = new Gson();

    private OnnxExport() {}

    /**
     * Exports an initialized network to ONNX and returns the file's bytes.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W); the batch axis is added and left dynamic
     * @param metadataProps the key/value pairs stored in the model's {@code metadata_props}, in
     *     order (may be empty, see {@link #metadata(String, List, int)})
     * @return the ONNX model
     * @throws IllegalArgumentException when a block cannot be exported, naming it and its place
     */
    public static byte[] toBytes(Block block, Shape inputShape, Map<String, String> metadataProps) {
        return build(block, inputShape, metadataProps).toByteArray();
    }

    /**
     * Exports an initialized network to an ONNX file, written atomically: a reader sees the old
     * file or the new one, never a part.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W); the batch axis is added and left dynamic
     * @param metadataProps the key/value pairs stored in the model's {@code metadata_props}
     * @param output the file to write
     * @throws IOException when the file cannot be written; it is then unchanged
     * @throws IllegalArgumentException when a block cannot be exported, naming it and its place
     */
    public static void write(Block block, Shape inputShape, Map<String, String> metadataProps, Path output)
            throws IOException {
        writeModel(build(block, inputShape, metadataProps), output);
    }

    /**
     * Returns the metadata a zoo model's ONNX file carries: what it is, its classes, and how an
     * image becomes its input (the preprocessing of {@link CifarTranslator}).
     *
     * @param architecture the architecture's name, e.g. {@code se_resnet20}
     * @param classNames the class names, in output order
     * @param inputSize the side of the square input image
     * @return the metadata, in a stable order
     */
    public static Map<String, String> metadata(String architecture, List<String> classNames, int inputSize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", architecture);
        m.put("num_classes", Integer.toString(classNames.size()));
        m.put("class_names", GSON.toJson(classNames));
        m.put("input_size", Integer.toString(inputSize));
        m.put("input_layout", "NCHW float32, RGB");
        m.put("normalization_mean", GSON.toJson(CifarTranslator.MEAN));
        m.put("normalization_std", GSON.toJson(CifarTranslator.STD));
        m.put("preprocessing", "resize the shorter side to " + inputSize + ", center-crop " + inputSize + "x"
                + inputSize + ", scale pixels to [0, 1], then (x - mean) / std per RGB channel");
        m.put("output", "logits [batch, num_classes]; softmax gives class probabilities");
        return m;
    }

    /**
     * Returns {@link #metadata(String, List, int)} for a saved model, with its build options and
     * where its weights came from (recipe, data set, epochs, measured accuracy) when known.
     *
     * @param metadata the model's metadata
     * @param classNames the class names, in output order
     * @return the metadata, in a stable order
     */
    @SuppressWarnings("deprecation") // takes the deprecated ModelMetadata until its entry points change
    public static Map<String, String> metadata(ModelMetadata metadata, List<String> classNames) {
        Map<String, String> m = metadata(metadata.architecture, classNames, metadata.inputSize);
        if (metadata.options != null && !metadata.options.isEmpty()) {
            m.put("options", GSON.toJson(metadata.options));
        }
        if (metadata.recipe != null) {
            m.put("recipe", metadata.recipe.toString());
        }
        if (metadata.dataset != null) {
            m.put("dataset", metadata.dataset);
        }
        if (metadata.epochs > 0) {
            m.put("epochs", Integer.toString(metadata.epochs));
        }
        if (metadata.testAccuracy != null) {
            m.put("test_accuracy", metadata.testAccuracy.toString());
        }
        return m;
    }

    /**
     * Returns the metadata of a loaded zoo model: from its directory's {@link ModelMetadata#FILE}
     * when it has one, else from the properties the zoo sets on every model it loads.
     *
     * @param model a model loaded by the zoo
     * @return the metadata, in a stable order
     * @throws IllegalArgumentException when the model does not say which architecture it is
     */
    @SuppressWarnings("deprecation") // takes the deprecated ModelMetadata until its entry points change
    public static Map<String, String> metadata(Model model) {
        List<String> classes = CifarTranslatorFactory.synset(model);
        Path dir = model.getModelPath();
        if (dir != null && Files.isRegularFile(dir.resolve(ModelMetadata.FILE))) {
            try {
                return metadata(ModelMetadata.read(dir), classes);
            } catch (IOException e) {
                // The properties below still describe the network; the history is a nicety.
            }
        }
        String architecture = model.getProperty("attentionzoo.architecture");
        if (architecture == null) {
            throw new IllegalArgumentException("model " + model.getName()
                    + " was not loaded by the attentionzoo zoo: give the metadata explicitly");
        }
        String size = model.getProperty("attentionzoo.input_size");
        return metadata(architecture, classes, size == null ? 32 : Integer.parseInt(size));
    }

    private static ProtoWriter build(Block block, Shape inputShape, Map<String, String> metadataProps) {
        return encode(trace(block, inputShape), metadataProps, List.of());
    }

    /**
     * Walks the block tree into a graph whose final value is named {@value #OUTPUT}; the int8
     * writer rewrites this graph before it is encoded.
     */
    static OnnxGraph trace(Block block, Shape inputShape) {
        return OnnxGraph.trace(block, inputShape, INPUT, OUTPUT);
    }

    /**
     * Encodes a traced graph as a model; {@code extraOutputs} name further float values to expose
     * as graph outputs (of unknown shape), which calibration reads.
     */
    static ProtoWriter encode(OnnxGraph graph, Map<String, String> metadataProps, List<String> extraOutputs) {
        return OnnxModelWriter.encode(graph, metadataProps, extraOutputs);
    }

    /** Writes an encoded model atomically. */
    static void writeModel(ProtoWriter model, Path output) throws IOException {
        OnnxModelWriter.write(model, output);
    }
}
