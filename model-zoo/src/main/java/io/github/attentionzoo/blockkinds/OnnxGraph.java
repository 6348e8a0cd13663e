package io.github.attentionzoo.blockkinds;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.github.attentionzoo.io.OnnxProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ONNX graph under construction: the walk over a block tree that asks each block's {@link
 * BlockKind} for its nodes, and the nodes, initializers and names it collects. It knows no file
 * format: {@code interop.OnnxExport} encodes it, and {@code interop.OnnxInt8Export} rewrites it
 * first. Values carry their shape at batch size 1; the batch axis is left dynamic in the file.
 */
public final class OnnxGraph implements AutoCloseable {

    private static final Pattern CHILD = Pattern.compile("\\d+(.*)");

    private final List<Node> nodes = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> int64Constants = new HashMap<>();
    private final Map<String, Shape> blockOutputs = new HashMap<>();
    private final String outputName;
    private Value input;
    private Value output;
    private NDManager probes;

    private OnnxGraph(String outputName) {
        this.outputName = outputName;
    }

    /**
     * Walks a block tree into a graph whose input is {@code inputName} and whose final value is
     * named {@code outputName}.
     *
     * @param block the network, initialized or loaded
     * @param inputShape the shape of one input, (C, H, W)
     * @param inputName the graph input's name
     * @param outputName the graph output's name
     * @return the graph
     * @throws IllegalArgumentException when a block cannot be exported, naming it and its place
     */
    public static OnnxGraph trace(Block block, Shape inputShape, String inputName, String outputName) {
        if (inputShape == null || inputShape.dimension() != 3 || inputShape.size() <= 0) {
            throw new IllegalArgumentException("the input shape must be (C, H, W) with positive sizes, got " + inputShape);
        }
        Shape batchOne = new Shape(1, inputShape.get(0), inputShape.get(1), inputShape.get(2));
        try (OnnxGraph graph = new OnnxGraph(outputName)) {
            graph.input = new Value(inputName, batchOne);
            Value out = graph.emit(block, "", graph.input);
            graph.finish(out);
            graph.output = new Value(outputName, out.shape);
            return graph;
        }
    }

    /**
     * Returns the nodes in execution order; the int8 writer edits this list.
     *
     * @return the nodes, modifiable
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Returns the initializers (weights and constants); the int8 writer edits this list.
     *
     * @return the initializers, modifiable
     */
    public List<Tensor> initializers() {
        return initializers;
    }

    /**
     * Returns the graph's input.
     *
     * @return the input value
     */
    public Value input() {
        return input;
    }

    /**
     * Returns the graph's output.
     *
     * @return the output value
     */
    public Value output() {
        return output;
    }

    /**
     * Returns the shape, at batch size 1, of a value that is a block's output, for rewrites that
     * depend on it (the int8 writer's gate tiling).
     *
     * @param name the value's name
     * @return its shape, or null when the value is internal to a block or unknown
     */
    public Shape blockOutputShape(String name) {
        return blockOutputs.get(name);
    }

    /**
     * Returns a name no value, node or initializer of this graph has yet, based on {@code base},
     * and reserves it.
     *
     * @param base the wanted name
     * @return {@code base}, or {@code base_1}, {@code base_2}... when it is taken
     */
    public String fresh(String base) {
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /**
     * Adds an initializer under a fresh name based on {@code base}.
     *
     * @param base the wanted name
     * @param dims the dimensions
     * @param dataType an {@link OnnxProto.DataType} value
     * @param raw the little-endian data
     * @return the initializer's name
     */
    public String tensor(String base, long[] dims, int dataType, byte[] raw) {
        String name = fresh(base);
        initializers.add(new Tensor(name, dims, dataType, raw));
        return name;
    }

    // ---- the walk ----

    /** Emits a block's nodes through its kind; a block of no known kind is refused. */
    Value emit(Block block, String path, Value x) {
        BlockKind kind = BlockKinds.of(block);
        if (kind == null) {
            // Subclasses are refused too: they may override forward and compute something else.
            throw refusal(block, path, "no ONNX mapping for this block type");
        }
        Value out = kind.toOnnx(this, block, path, x);
        blockOutputs.put(out.name, out.shape);
        return out;
    }

    /** Emits a named child below {@code path}. */
    Value emit(Pair<String, Block> child, String path, Value x) {
        return emit(child.getValue(), join(path, child.getKey()), x);
    }

    /**
     * The children of a block by name, DJL's "01" prefixes removed, refused when one is
     * unexpected or a required one is missing.
     */
    Map<String, Pair<String, Block>> children(Block block, String path, Set<String> required, Set<String> optional) {
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

    static Shape outputShape(Block block, String path, Value x) {
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

    static IllegalArgumentException refusal(Block block, String path, String reason) {
        String where = path.isEmpty() ? "the root block" : "'" + path + "'";
        String message = "cannot export " + block.getClass().getName() + " at " + where + " to ONNX: " + reason;
        // One line: the message ends up in logs and CLI errors that show only the first line.
        return new IllegalArgumentException(message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }

    static String join(String path, String child) {
        return path.isEmpty() ? child : path + "." + child;
    }

    /** The manager that probe inputs of lambda blocks live in, closed with the graph. */
    NDManager probes() {
        if (probes == null) {
            probes = NDManager.newBaseManager();
        }
        return probes;
    }

    // ---- nodes and initializers ----

    Node add(String op, String path, List<String> inputs) {
        String name = fresh((path.isEmpty() ? "" : path + "/") + op);
        Node n = new Node(op, name, inputs, List.of(name));
        nodes.add(n);
        return n;
    }

    String node(String op, String path, List<String> inputs) {
        return add(op, path, inputs).outputs.get(0);
    }

    String node(String op, String path, List<String> inputs, Consumer<Node> attrs) {
        Node n = add(op, path, inputs);
        attrs.accept(n);
        return n.outputs.get(0);
    }

    /** A float initializer. */
    String initializer(String base, long[] dims, float[] data) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return tensor(base, dims, OnnxProto.DataType.FLOAT, buf.array());
    }

    /** An int64 constant (axes, shapes), shared by every node that needs the same one. */
    String int64Constant(long... values) {
        String key = Arrays.toString(values);
        return int64Constants.computeIfAbsent(key, k -> {
            String name = fresh("const" + k.replace(" ", ""));
            ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(values);
            initializers.add(new Tensor(name, new long[] {values.length}, OnnxProto.DataType.INT64, buf.array()));
            return name;
        });
    }

    /** Names the final value as the graph's output. */
    private void finish(Value out) {
        if (out.name.equals(input.name) || names.contains(outputName)) {
            nodes.add(new Node("Identity", fresh("Identity"), List.of(out.name), List.of(outputName)));
            return;
        }
        for (Node n : nodes) {
            n.inputs.replaceAll(s -> s.equals(out.name) ? outputName : s);
            n.outputs.replaceAll(s -> s.equals(out.name) ? outputName : s);
        }
    }

    /** Closes the probe inputs' manager; the graph itself stays usable. */
    @Override
    public void close() {
        if (probes != null) {
            probes.close();
        }
    }

    /**
     * A value of the graph with its shape at batch size 1.
     *
     * @param name the value's name
     * @param shape its shape, batch axis 1
     */
    public record Value(String name, Shape shape) {}

    /**
     * An initializer.
     *
     * @param name its name
     * @param dims its dimensions
     * @param dataType an {@link OnnxProto.DataType} value
     * @param raw its little-endian data
     */
    public record Tensor(String name, long[] dims, int dataType, byte[] raw) {

        /**
         * Returns the data as floats; only for float tensors.
         *
         * @return the values
         * @throws IllegalStateException when the tensor is not float
         */
        public float[] floats() {
            if (dataType != OnnxProto.DataType.FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor");
            }
            float[] f = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }
    }

    /**
     * A node's attribute: an int, a list of ints or a float.
     *
     * @param name the attribute's name
     * @param type an {@link OnnxProto.AttributeType} value
     * @param ints the value of an int (one element) or ints attribute; empty for a float
     * @param real the value of a float attribute; 0 otherwise
     */
    public record Attribute(String name, int type, long[] ints, float real) {}

    /** One ONNX node; its inputs and outputs stay editable until the graph is encoded. */
    public static final class Node {
        /** The operator, e.g. {@code Conv}. */
        public final String op;
        /** The node's name. */
        public final String name;
        /** The names of its inputs, modifiable. */
        public final List<String> inputs;
        /** The names of its outputs, modifiable. */
        public final List<String> outputs;
        /** Its attributes, in the order they are written. */
        public final List<Attribute> attributes = new ArrayList<>();

        /**
         * Creates a node.
         *
         * @param op the operator
         * @param name the node's name
         * @param inputs its inputs' names (copied)
         * @param outputs its outputs' names (copied)
         */
        public Node(String op, String name, List<String> inputs, List<String> outputs) {
            this.op = op;
            this.name = name;
            this.inputs = new ArrayList<>(inputs);
            this.outputs = new ArrayList<>(outputs);
        }

        /**
         * Adds an ints attribute.
         *
         * @param attr the attribute's name
         * @param values its values
         * @return this node
         */
        public Node ints(String attr, long... values) {
            attributes.add(new Attribute(attr, OnnxProto.AttributeType.INTS, values.clone(), 0));
            return this;
        }

        /**
         * Adds an int attribute.
         *
         * @param attr the attribute's name
         * @param value its value
         * @return this node
         */
        public Node integer(String attr, long value) {
            attributes.add(new Attribute(attr, OnnxProto.AttributeType.INT, new long[] {value}, 0));
            return this;
        }

        /**
         * Adds a float attribute.
         *
         * @param attr the attribute's name
         * @param value its value
         * @return this node
         */
        public Node real(String attr, float value) {
            attributes.add(new Attribute(attr, OnnxProto.AttributeType.FLOAT, new long[0], value));
            return this;
        }
    }
}
