package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.ConvBnAct;
import io.github.attentionzoo.nn.ConvBnActBlock;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.Bottleneck;
import io.github.attentionzoo.nn.NamedSequentialBlock;
import io.github.attentionzoo.nn.ResidualBlock;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.CifarTranslatorFactory;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a DJL network with its trained parameters as a standalone ONNX model (opset {@value #OPSET},
 * IR version {@value #IR_VERSION}), for ONNX Runtime, Python or C# users: no Python, no engine
 * export path, only the block tree and its parameter arrays.
 *
 * <p>The exporter walks the block tree and maps each block type to ONNX nodes, so any network made
 * of the supported blocks exports, not only the zoo's: {@code SequentialBlock}, {@code Conv2d},
 * {@code BatchNorm}, {@code Linear}, {@link ConvBnActBlock} (BatchNorm folded into the
 * convolution, as its inference pass does), {@link BasicBlock}, {@link Bottleneck}, {@link
 * SqueezeExcitation}, {@link SelectiveKernel}, {@link MaxPool2dBlock}, and DJL's lambda blocks
 * {@code ReLU}, {@code identity}, {@code globalAvgPool2d}, {@code globalMaxPool2d} and {@code
 * batchFlatten}. Any other block is refused with an {@link IllegalArgumentException} naming its
 * class and its place in the tree.
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

    /** Protobuf refuses messages of 2 GiB or more; ONNX stores larger weights outside the file. */
    private static final long MAX_PROTO_BYTES = Integer.MAX_VALUE;

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
    static Graph trace(Block block, Shape inputShape) {
        if (inputShape == null || inputShape.dimension() != 3 || inputShape.size() <= 0) {
            throw new IllegalArgumentException("the input shape must be (C, H, W) with positive sizes, got " + inputShape);
        }
        Shape batchOne = new Shape(1, inputShape.get(0), inputShape.get(1), inputShape.get(2));
        try (Graph graph = new Graph()) {
            graph.input = new Value(INPUT, batchOne);
            Value out = graph.emit(block, "", graph.input);
            graph.finish(out);
            graph.output = new Value(OUTPUT, out.shape);
            return graph;
        }
    }

    /**
     * Encodes a traced graph as a model; {@code extraOutputs} name further float values to expose
     * as graph outputs (of unknown shape), which calibration reads.
     */
    static ProtoWriter encode(Graph graph, Map<String, String> metadataProps, List<String> extraOutputs) {
        ProtoWriter g = new ProtoWriter();
        for (Node n : graph.nodes) {
            g.message(1, n.encode());
        }
        g.string(2, "attentionzoo");
        for (Tensor init : graph.initializers) {
            g.message(5, init.encode());
        }
        g.message(11, valueInfo(INPUT, graph.input.shape));
        g.message(12, valueInfo(OUTPUT, graph.output.shape));
        for (String extra : extraOutputs) {
            ProtoWriter tensor = new ProtoWriter().int64(1, TENSOR_FLOAT);
            g.message(12, new ProtoWriter().string(1, extra).message(2, new ProtoWriter().message(1, tensor)));
        }

        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, PRODUCER);
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        if (version != null) {
            model.string(3, version);
        }
        model.message(7, g);
        model.message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        if (metadataProps != null) {
            for (Map.Entry<String, String> e : metadataProps.entrySet()) {
                model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
            }
        }
        if (model.size() >= MAX_PROTO_BYTES) {
            throw new IllegalArgumentException("the model would be " + model.size()
                    + " bytes; a protobuf file holds less than 2 GiB and external weights are not written");
        }
        return model;
    }

    /** Writes an encoded model atomically. */
    static void writeModel(ProtoWriter model, Path output) throws IOException {
        AtomicFiles.write(output, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            model.writeTo(buffered);
            buffered.flush();
        });
    }

    /** Shape of a value as ONNX declares it: the first axis is the dynamic batch. */
    private static ProtoWriter valueInfo(String name, Shape shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int i = 0; i < shape.dimension(); i++) {
            ProtoWriter d = i == 0 ? new ProtoWriter().string(2, BATCH) : new ProtoWriter().int64(1, shape.get(i));
            dims.message(1, d);
        }
        ProtoWriter tensor = new ProtoWriter().int64(1, TENSOR_FLOAT).message(2, dims);
        ProtoWriter type = new ProtoWriter().message(1, tensor);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    static final int TENSOR_FLOAT = 1;
    static final int TENSOR_UINT8 = 2;
    static final int TENSOR_INT8 = 3;
    static final int TENSOR_INT32 = 6;
    static final int TENSOR_INT64 = 7;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private static IllegalArgumentException refusal(Block block, String path, String reason) {
        String where = path.isEmpty() ? "the root block" : "'" + path + "'";
        String message = "cannot export " + block.getClass().getName() + " at " + where + " to ONNX: " + reason;
        // One line: the message ends up in logs and CLI errors that show only the first line.
        return new IllegalArgumentException(message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }

    /** A value of the graph with its shape at batch size 1. */
    record Value(String name, Shape shape) {}

    /** An initializer: its name, dimensions, ONNX data type and little-endian raw data. */
    record Tensor(String name, long[] dims, int dataType, byte[] raw) {

        ProtoWriter encode() {
            return new ProtoWriter().repeatedInt64(1, dims).int64(2, dataType).string(8, name).bytes(9, raw);
        }

        /** The data as floats; only for float tensors. */
        float[] floats() {
            if (dataType != TENSOR_FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor");
            }
            float[] f = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }
    }

    /** One ONNX node; names stay editable until the graph is finished. */
    static final class Node {
        final String op;
        final String name;
        final List<String> inputs;
        final List<String> outputs;
        final List<ProtoWriter> attributes = new ArrayList<>();

        Node(String op, String name, List<String> inputs, List<String> outputs) {
            this.op = op;
            this.name = name;
            this.inputs = new ArrayList<>(inputs);
            this.outputs = new ArrayList<>(outputs);
        }

        Node ints(String attr, long... values) {
            attributes.add(new ProtoWriter().string(1, attr).int64(20, ATTR_INTS).repeatedInt64(8, values));
            return this;
        }

        Node integer(String attr, long value) {
            attributes.add(new ProtoWriter().string(1, attr).int64(20, ATTR_INT).int64(3, value));
            return this;
        }

        Node real(String attr, float value) {
            attributes.add(new ProtoWriter().string(1, attr).int64(20, ATTR_FLOAT).float32(2, value));
            return this;
        }

        ProtoWriter encode() {
            ProtoWriter w = new ProtoWriter();
            for (String in : inputs) {
                w.string(1, in);
            }
            for (String out : outputs) {
                w.string(2, out);
            }
            w.string(3, name);
            w.string(4, op);
            for (ProtoWriter a : attributes) {
                w.message(5, a);
            }
            return w;
        }
    }

    /** The graph under construction and the walk over the block tree that fills it. */
    static final class Graph implements AutoCloseable {

        private static final Pattern CHILD = Pattern.compile("\\d+(.*)");
        private static final Set<String> LAMBDAS =
                Set.of("ReLU", "identity", "globalAvgPool2d", "globalMaxPool2d", "batchFlatten");

        final List<Node> nodes = new ArrayList<>();
        final List<Tensor> initializers = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        Value input;
        Value output;
        private final Map<String, String> int64Constants = new HashMap<>();
        private NDManager probes;

        Value emit(Block block, String path, Value x) {
            Class<?> type = block.getClass();
            if (type == SequentialBlock.class || type == NamedSequentialBlock.class) {
                return sequence((SequentialBlock) block, path, x);
            } else if (type == ConvBnActBlock.class) {
                return convBnAct((ConvBnActBlock) block, path, x);
            } else if (type == Conv2d.class) {
                return conv2d((Conv2d) block, path, x);
            } else if (type == BatchNorm.class) {
                return batchNorm((BatchNorm) block, path, x);
            } else if (type == Linear.class) {
                return new Value(linear((Linear) block, path, x.name, x.shape, null, null), outputShape(block, path, x));
            } else if (block instanceof ResidualBlock && type.getPackage() == ResidualBlock.class.getPackage()) {
                // This library's residual blocks (and their deprecated SE-named aliases) share one forward.
                return residual(block, path, x);
            } else if (type == SqueezeExcitation.class) {
                return squeezeExcitation((SqueezeExcitation) block, path, x);
            } else if (type == SelectiveKernel.class) {
                return selectiveKernel((SelectiveKernel) block, path, x);
            } else if (type == MaxPool2dBlock.class) {
                return maxPool((MaxPool2dBlock) block, path, x);
            } else if (type == LambdaBlock.class) {
                return lambda((LambdaBlock) block, path, x);
            }
            // Subclasses are refused too: they may override forward and compute something else.
            throw refusal(block, path, "no ONNX mapping for this block type");
        }

        // ---- containers ----

        private Value sequence(SequentialBlock block, String path, Value x) {
            if (block.isReturnIntermediate()) {
                throw refusal(block, path, "it returns every intermediate output, a graph here has one output");
            }
            Value v = x;
            for (Pair<String, Block> child : block.getChildren()) {
                v = emit(child.getValue(), join(path, child.getKey()), v);
            }
            return v;
        }

        private Value residual(Block block, String path, Value x) {
            Map<String, Pair<String, Block>> children = children(block, path, Set.of("residual"), Set.of("shortcut"));
            Pair<String, Block> f = children.get("residual");
            Value branch = emit(f.getValue(), join(path, f.getKey()), x);
            Pair<String, Block> s = children.get("shortcut");
            Value shortcut = s == null ? x : emit(s.getValue(), join(path, s.getKey()), x);
            if (!branch.shape.equals(shortcut.shape)) {
                throw refusal(block, path, "its branch gives " + branch.shape + " but its shortcut " + shortcut.shape);
            }
            String sum = node("Add", path, List.of(branch.name, shortcut.name));
            return new Value(node("Relu", path, List.of(sum)), branch.shape);
        }

        // ---- convolutions and normalization ----

        private Value conv2d(Conv2d conv, String path, Value x) {
            Shape out = outputShape(conv, path, x);
            NDArray w = array(conv, path, "weight");
            Parameter b = conv.getParameters().get("bias");
            float[] bias = b == null ? null : floats(conv, path, b.getArray());
            String name = conv(path, x.name, floats(conv, path, w), w.getShape(), bias,
                    conv.getStride(), conv.getPadding(), conv.getDilation(), conv.getGroups());
            return new Value(name, out);
        }

        private Value convBnAct(ConvBnActBlock block, String path, Value x) {
            List<Pair<String, Block>> children = block.getChildren().stream().toList();
            int expected = block.isRelu() ? 3 : 2;
            if (children.size() != expected || children.get(0).getValue().getClass() != Conv2d.class
                    || children.get(1).getValue().getClass() != BatchNorm.class) {
                throw refusal(block, path, "expected Conv2d, BatchNorm" + (block.isRelu() ? ", ReLU" : "")
                        + " children, found " + children.stream().map(Pair::getKey).toList());
            }
            Shape out = outputShape(block, path, x);
            Block conv = children.get(0).getValue();
            Block bn = children.get(1).getValue();
            String convPath = join(path, children.get(0).getKey());
            String bnPath = join(path, children.get(1).getKey());
            NDArray w = array(conv, convPath, "weight");
            float[] weight = floats(conv, convPath, w);
            Parameter convBias = conv.getParameters().get("bias");
            float[] bias = convBias == null ? null : floats(conv, convPath, convBias.getArray());
            // The same fold, with the same epsilon, as ConvBnActBlock's inference pass.
            double[][] ss = scaleShift(bn, bnPath, ConvBnAct.BN_EPSILON);
            double[] scale = ss[0];
            double[] shift = ss[1];
            int filters = (int) w.getShape().get(0);
            if (scale.length != filters) {
                throw refusal(block, path, "BatchNorm has " + scale.length + " channels, the convolution " + filters);
            }
            int per = weight.length / filters;
            float[] foldedW = new float[weight.length];
            float[] foldedB = new float[filters];
            for (int f = 0; f < filters; f++) {
                for (int i = 0; i < per; i++) {
                    foldedW[f * per + i] = (float) (weight[f * per + i] * scale[f]);
                }
                foldedB[f] = (float) (shift[f] + (bias == null ? 0 : bias[f] * scale[f]));
            }
            String y = conv(path, x.name, foldedW, w.getShape(), foldedB, block.getStride(), block.getPadding(),
                    block.getDilation(), block.getGroups());
            if (block.isRelu()) {
                Block relu = children.get(2).getValue();
                if (!(relu.getClass() == LambdaBlock.class && "ReLU".equals(((LambdaBlock) relu).getName()))) {
                    throw refusal(block, path, "its third child is " + relu.getClass().getName() + ", not DJL's ReLU");
                }
                y = node("Relu", path, List.of(y));
            }
            return new Value(y, out);
        }

        private String conv(String path, String x, float[] weight, Shape wShape, float[] bias,
                Shape stride, Shape padding, Shape dilation, int groups) {
            List<String> inputs = new ArrayList<>();
            inputs.add(x);
            inputs.add(initializer(path + ".weight", wShape.getShape(), weight));
            if (bias != null) {
                inputs.add(initializer(path + ".bias", new long[] {bias.length}, bias));
            }
            Node n = add("Conv", path, inputs);
            n.ints("kernel_shape", wShape.get(2), wShape.get(3));
            n.ints("strides", stride.getShape());
            n.ints("pads", padding.get(0), padding.get(1), padding.get(0), padding.get(1));
            n.ints("dilations", dilation.getShape());
            n.integer("group", groups);
            return n.outputs.get(0);
        }

        private Value batchNorm(BatchNorm bn, String path, Value x) {
            Shape out = outputShape(bn, path, x);
            int rank = x.shape.dimension();
            int axis = (int) privateNumber(bn, path, "axis");
            if (axis < 0) {
                axis += rank;
            }
            double[][] ss = scaleShift(bn, path, privateNumber(bn, path, "epsilon").floatValue());
            int c = ss[0].length;
            if (axis < 1 || axis >= rank || x.shape.get(axis) != c) {
                throw refusal(bn, path, "normalizes axis " + axis + " of " + x.shape + " with " + c + " channels");
            }
            long[] dims = new long[rank - axis];
            java.util.Arrays.fill(dims, 1);
            dims[0] = c;
            String scale = initializer(path + ".scale", dims, toFloats(ss[0]));
            String shift = initializer(path + ".shift", dims, toFloats(ss[1]));
            String y = node("Mul", path, List.of(x.name, scale));
            return new Value(node("Add", path, List.of(y, shift)), out);
        }

        /** BatchNorm in inference as y = x·scale + shift, computed in double. */
        private double[][] scaleShift(Block bn, String path, float epsilon) {
            float[] gamma = floats(bn, path, array(bn, path, "gamma"));
            float[] beta = floats(bn, path, array(bn, path, "beta"));
            float[] mean = floats(bn, path, array(bn, path, "runningMean"));
            float[] var = floats(bn, path, array(bn, path, "runningVar"));
            double[] scale = new double[gamma.length];
            double[] shift = new double[gamma.length];
            for (int i = 0; i < gamma.length; i++) {
                scale[i] = gamma[i] / Math.sqrt((double) var[i] + epsilon);
                shift[i] = beta[i] - mean[i] * scale[i];
            }
            return new double[][] {scale, shift};
        }

        /**
         * DJL's BatchNorm keeps its axis and epsilon private and saves neither; reading the fields
         * is the only way to export exactly what its forward pass computes.
         */
        private static Number privateNumber(BatchNorm bn, String path, String field) {
            try {
                Field f = BatchNorm.class.getDeclaredField(field);
                f.setAccessible(true);
                return (Number) f.get(bn);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw refusal(bn, path, "its " + field + " cannot be read in this DJL version (" + e + ")");
            }
        }

        // ---- dense layers ----

        /**
         * A Linear layer on the last axis: Gemm for [N, in], MatMul + Add otherwise. A BatchNorm
         * over its outputs may be folded in.
         */
        private String linear(Linear block, String path, String x, Shape in, BatchNorm foldedNorm, String normPath) {
            NDArray w = array(block, path, "weight");
            Shape ws = w.getShape();
            int out = (int) ws.get(0);
            int features = (int) ws.get(1);
            if (in.get(in.dimension() - 1) != features) {
                throw refusal(block, path, "its weight takes " + features + " features, the input is " + in);
            }
            float[] weight = floats(block, path, w);
            Parameter b = block.getParameters().get("bias");
            float[] bias = b == null ? null : floats(block, path, b.getArray());
            if (foldedNorm != null) {
                double[][] ss = scaleShift(foldedNorm, normPath,
                        privateNumber(foldedNorm, normPath, "epsilon").floatValue());
                if (ss[0].length != out) {
                    throw refusal(foldedNorm, normPath, "has " + ss[0].length + " channels after " + out + " units");
                }
                float[] fw = new float[weight.length];
                float[] fb = new float[out];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < features; i++) {
                        fw[o * features + i] = (float) (weight[o * features + i] * ss[0][o]);
                    }
                    fb[o] = (float) (ss[1][o] + (bias == null ? 0 : bias[o] * ss[0][o]));
                }
                weight = fw;
                bias = fb;
            }
            if (in.dimension() == 2) {
                List<String> inputs = new ArrayList<>(List.of(x, initializer(path + ".weight", ws.getShape(), weight)));
                if (bias != null) {
                    inputs.add(initializer(path + ".bias", new long[] {out}, bias));
                }
                Node n = add("Gemm", path, inputs);
                n.integer("transB", 1);
                return n.outputs.get(0);
            }
            float[] transposed = new float[weight.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < features; i++) {
                    transposed[i * out + o] = weight[o * features + i];
                }
            }
            String y = node("MatMul", path, List.of(x, initializer(path + ".weightT", new long[] {features, out}, transposed)));
            return bias == null ? y : node("Add", path, List.of(y, initializer(path + ".bias", new long[] {out}, bias)));
        }

        // ---- attention ----

        private Value squeezeExcitation(SqueezeExcitation se, String path, Value x) {
            Map<String, Pair<String, Block>> children = children(se, path, Set.of("fc1", "fc2"), Set.of());
            Shape out = outputShape(se, path, x);
            String pooled;
            switch (se.getSqueeze()) {
                case AVG: pooled = node("GlobalAveragePool", path, List.of(x.name)); break;
                case MAX: pooled = node("GlobalMaxPool", path, List.of(x.name)); break;
                default: throw refusal(se, path, "squeeze " + se.getSqueeze() + " has no ONNX mapping");
            }
            long c = x.shape.get(1);
            Node flat = add("Flatten", path, List.of(pooled));
            flat.integer("axis", 1);
            String h = linearChild(children.get("fc1"), path, flat.outputs.get(0), new Shape(1, c));
            h = node("Relu", path, List.of(h));
            String z = linearChild(children.get("fc2"), path, h, new Shape(1, se.getHidden()));
            String gate;
            switch (se.getGate()) {
                case SIGMOID:
                    gate = node("Sigmoid", path, List.of(z));
                    break;
                case HARD_SIGMOID:
                    // relu6(z + 3) / 6 = clip(z / 6 + 1/2, 0, 1): ONNX HardSigmoid with alpha 1/6, beta 1/2.
                    Node hs = add("HardSigmoid", path, List.of(z));
                    hs.real("alpha", 1f / 6f);
                    hs.real("beta", 0.5f);
                    gate = hs.outputs.get(0);
                    break;
                default:
                    throw refusal(se, path, "gate " + se.getGate() + " has no ONNX mapping");
            }
            String g = node("Unsqueeze", path, List.of(gate, int64Constant(2, 3)));
            return new Value(node("Mul", path, List.of(x.name, g)), out);
        }

        private String linearChild(Pair<String, Block> child, String path, String x, Shape in) {
            String childPath = join(path, child.getKey());
            if (child.getValue().getClass() != Linear.class) {
                throw refusal(child.getValue(), childPath, "expected a Linear layer here");
            }
            return linear((Linear) child.getValue(), childPath, x, in, null, null);
        }

        private Value selectiveKernel(SelectiveKernel sk, String path, Value x) {
            int k = sk.getKernels().length;
            Set<String> required = new HashSet<>(Set.of("fc"));
            for (int i = 0; i < k; i++) {
                required.add("convs" + i);
                required.add("fcs" + i);
            }
            Map<String, Pair<String, Block>> children = children(sk, path, required, Set.of("fcNorm"));
            Shape out = outputShape(sk, path, x);
            List<String> branches = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Pair<String, Block> conv = children.get("convs" + i);
                Value v = emit(conv.getValue(), join(path, conv.getKey()), x);
                if (!v.shape.equals(out)) {
                    throw refusal(sk, path, "branch " + i + " gives " + v.shape + ", the block " + out);
                }
                branches.add(v.name);
            }
            String u = k == 1 ? branches.get(0) : node("Sum", path, branches);
            Node flat = add("Flatten", path, List.of(node("GlobalAveragePool", path, List.of(u))));
            flat.integer("axis", 1);
            Pair<String, Block> fc = children.get("fc");
            Pair<String, Block> norm = children.get("fcNorm");
            String fcPath = join(path, fc.getKey());
            if (fc.getValue().getClass() != Linear.class) {
                throw refusal(fc.getValue(), fcPath, "expected a Linear layer here");
            }
            String z;
            if (norm == null) {
                z = linear((Linear) fc.getValue(), fcPath, flat.outputs.get(0), new Shape(1, out.get(1)), null, null);
            } else {
                String normPath = join(path, norm.getKey());
                if (norm.getValue().getClass() != BatchNorm.class) {
                    throw refusal(norm.getValue(), normPath, "expected a BatchNorm here");
                }
                // fc then BatchNorm in inference is one affine map: fold it into the Gemm.
                z = linear((Linear) fc.getValue(), fcPath, flat.outputs.get(0), new Shape(1, out.get(1)),
                        (BatchNorm) norm.getValue(), normPath);
                z = node("Relu", path, List.of(z));
            }
            List<String> logits = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                String selected = linearChild(children.get("fcs" + i), path, z, new Shape(1, sk.getHidden()));
                logits.add(node("Unsqueeze", path, List.of(selected, int64Constant(1))));
            }
            // Softmax across branches, per channel: [N, K, C] on axis 1, as the Java forward.
            String stacked = k == 1 ? logits.get(0) : node("Concat", path, logits, n -> n.integer("axis", 1));
            Node softmax = add("Softmax", path, List.of(stacked));
            softmax.integer("axis", 1);
            List<String> weights = new ArrayList<>();
            if (k == 1) {
                weights.add(softmax.outputs.get(0));
            } else {
                Node split = new Node("Split", fresh(path + "/Split"), List.of(softmax.outputs.get(0)), List.of());
                for (int i = 0; i < k; i++) {
                    split.outputs.add(fresh(path + "/Split_w" + i));
                }
                split.integer("axis", 1);
                nodes.add(split);
                weights.addAll(split.outputs);
            }
            List<String> weighted = new ArrayList<>();
            String toNchw = int64Constant(0, -1, 1, 1);
            for (int i = 0; i < k; i++) {
                // [N, 1, C] → [N, C, 1, 1]: 0 keeps the dynamic batch size.
                String w = node("Reshape", path, List.of(weights.get(i), toNchw));
                weighted.add(node("Mul", path, List.of(branches.get(i), w)));
            }
            String v = k == 1 ? weighted.get(0) : node("Sum", path, weighted);
            return new Value(v, out);
        }

        // ---- pooling and DJL's lambda blocks ----

        private Value maxPool(MaxPool2dBlock pool, String path, Value x) {
            Shape out = outputShape(pool, path, x);
            Node n = add("MaxPool", path, List.of(x.name));
            Shape p = pool.getPadding();
            n.ints("kernel_shape", pool.getKernel().getShape());
            n.ints("strides", pool.getStride().getShape());
            n.ints("pads", p.get(0), p.get(1), p.get(0), p.get(1));
            n.integer("ceil_mode", pool.isCeilMode() ? 1 : 0);
            return new Value(n.outputs.get(0), out);
        }

        /**
         * DJL's lambda blocks carry only a name; the function is checked on a random input
         * against the op the name promises, so a block merely named "ReLU" is not taken on trust.
         */
        private Value lambda(LambdaBlock block, String path, Value x) {
            String name = block.getName();
            if ("maxPool2d".equals(name)) {
                throw refusal(block, path, "DJL's maxPool2d block hides its window in a lambda; build it as "
                        + MaxPool2dBlock.class.getName());
            }
            if (!LAMBDAS.contains(name)) {
                throw refusal(block, path, "lambda block '" + name + "' is not one of " + new java.util.TreeSet<>(LAMBDAS));
            }
            Shape out = outputShape(block, path, x);
            probe(block, path, name, x.shape);
            switch (name) {
                case "ReLU":
                    return new Value(node("Relu", path, List.of(x.name)), out);
                case "identity":
                    return x;
                case "batchFlatten": {
                    Node n = add("Flatten", path, List.of(x.name));
                    n.integer("axis", 1);
                    return new Value(n.outputs.get(0), out);
                }
                default: {
                    if (x.shape.dimension() != 4) {
                        throw refusal(block, path, name + " needs an NCHW input, got " + x.shape);
                    }
                    String pooled = node(name.startsWith("globalAvg") ? "GlobalAveragePool" : "GlobalMaxPool",
                            path, List.of(x.name));
                    if (out.dimension() == 4) {
                        return new Value(pooled, out);
                    }
                    Node n = add("Flatten", path, List.of(pooled));
                    n.integer("axis", 1);
                    return new Value(n.outputs.get(0), out);
                }
            }
        }

        private void probe(LambdaBlock block, String path, String name, Shape shape) {
            if (probes == null) {
                probes = NDManager.newBaseManager();
            }
            try (NDManager scope = probes.newSubManager()) {
                long[] dims = shape.getShape().clone();
                dims[0] = 2;
                NDArray in = scope.randomNormal(new Shape(dims));
                NDArray got = block.forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow();
                NDArray want;
                switch (name) {
                    case "ReLU": want = Activation.relu(in); break;
                    case "identity": want = in; break;
                    case "globalAvgPool2d": want = Pool.globalAvgPool2d(in); break;
                    case "globalMaxPool2d": want = Pool.globalMaxPool2d(in); break;
                    default: want = in.reshape(2, -1); break;
                }
                if (!got.getShape().equals(want.getShape()) || !got.allClose(want, 1e-5, 1e-6, false)) {
                    throw refusal(block, path, "lambda block '" + name + "' does not compute DJL's " + name);
                }
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                throw refusal(block, path, "lambda block '" + name + "' failed on a probe input: " + e.getMessage());
            }
        }

        // ---- helpers ----

        private Map<String, Pair<String, Block>> children(Block block, String path, Set<String> required,
                Set<String> optional) {
            Map<String, Pair<String, Block>> found = new HashMap<>();
            for (Pair<String, Block> child : block.getChildren()) {
                Matcher m = CHILD.matcher(child.getKey());
                String name = m.matches() ? m.group(1) : child.getKey();
                if (!required.contains(name) && !optional.contains(name)) {
                    throw refusal(block, path, "unexpected child '" + child.getKey() + "'");
                }
                found.put(name, child);
            }
            for (String r : required) {
                if (!found.containsKey(r)) {
                    throw refusal(block, path, "child '" + r + "' is missing");
                }
            }
            return found;
        }

        private static Shape outputShape(Block block, String path, Value x) {
            try {
                Shape[] out = block.getOutputShapes(new Shape[] {x.shape});
                if (out.length != 1) {
                    throw refusal(block, path, "it has " + out.length + " outputs; only one is supported");
                }
                return out[0];
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException && e.getMessage() != null
                        && e.getMessage().startsWith("cannot export ")) {
                    throw e;
                }
                throw refusal(block, path, "it does not accept an input of shape " + x.shape + " (" + e.getMessage() + ")");
            }
        }

        private static NDArray array(Block block, String path, String name) {
            Parameter p = block.getParameters().get(name);
            if (p == null || !p.isInitialized()) {
                throw refusal(block, path, "parameter '" + name + "' is "
                        + (p == null ? "missing" : "not initialized: initialize the network or load its parameters"));
            }
            return p.getArray();
        }

        private static float[] floats(Block block, String path, NDArray array) {
            if (array.getDataType() != DataType.FLOAT32) {
                throw refusal(block, path, "its parameters are " + array.getDataType() + "; only float32 is written");
            }
            return array.toFloatArray();
        }

        private static float[] toFloats(double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }

        private static String join(String path, String child) {
            return path.isEmpty() ? child : path + "." + child;
        }

        String fresh(String base) {
            String name = base;
            for (int i = 1; !names.add(name); i++) {
                name = base + "_" + i;
            }
            return name;
        }

        private Node add(String op, String path, List<String> inputs) {
            String name = fresh((path.isEmpty() ? "" : path + "/") + op);
            Node n = new Node(op, name, inputs, List.of(name));
            nodes.add(n);
            return n;
        }

        private String node(String op, String path, List<String> inputs) {
            return add(op, path, inputs).outputs.get(0);
        }

        private String node(String op, String path, List<String> inputs, java.util.function.Consumer<Node> attrs) {
            Node n = add(op, path, inputs);
            attrs.accept(n);
            return n.outputs.get(0);
        }

        private String initializer(String base, long[] dims, float[] data) {
            ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(data);
            return tensor(base, dims, TENSOR_FLOAT, buf.array());
        }

        /** Adds an initializer under a fresh name based on {@code base}, and returns that name. */
        String tensor(String base, long[] dims, int dataType, byte[] raw) {
            String name = fresh(base);
            initializers.add(new Tensor(name, dims, dataType, raw));
            return name;
        }

        /** An int64 constant (axes, shapes), shared by every node that needs the same one. */
        private String int64Constant(long... values) {
            String key = java.util.Arrays.toString(values);
            return int64Constants.computeIfAbsent(key, k -> {
                String name = fresh("const" + k.replace(" ", ""));
                ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(values);
                initializers.add(new Tensor(name, new long[] {values.length}, TENSOR_INT64, buf.array()));
                return name;
            });
        }

        /** Names the final value as the graph's output. */
        void finish(Value out) {
            if (out.name.equals(INPUT) || names.contains(OUTPUT)) {
                nodes.add(new Node("Identity", fresh("Identity"), List.of(out.name), List.of(OUTPUT)));
                return;
            }
            for (Node n : nodes) {
                n.inputs.replaceAll(s -> s.equals(out.name) ? OUTPUT : s);
                n.outputs.replaceAll(s -> s.equals(out.name) ? OUTPUT : s);
            }
        }

        @Override
        public void close() {
            if (probes != null) {
                probes.close();
            }
        }
    }
}
