package io.github.attentionzoo.interop;

import ai.djl.ndarray.types.Shape;
import io.github.attentionzoo.blockkinds.OnnxGraph;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.OnnxProto;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Encodes an {@link OnnxGraph} as an ONNX {@code ModelProto}: the graph's nodes, initializers,
 * input and output, the opset and the metadata_props, every field numbered by {@link OnnxProto}.
 */
final class OnnxModelWriter {

    /** Protobuf refuses messages of 2 GiB or more; ONNX stores larger weights outside the file. */
    private static final long MAX_PROTO_BYTES = Integer.MAX_VALUE;
    /** The name the graph carries. */
    private static final String GRAPH_NAME = "attentionzoo";

    private OnnxModelWriter() {}

    /**
     * Encodes a traced graph as a model; {@code extraOutputs} name further float values to expose
     * as graph outputs (of unknown shape), which calibration reads.
     */
    static ProtoWriter encode(OnnxGraph graph, Map<String, String> metadataProps, List<String> extraOutputs) {
        ProtoWriter g = new ProtoWriter();
        for (OnnxGraph.Node n : graph.nodes()) {
            g.message(OnnxProto.Graph.NODE, node(n));
        }
        g.string(OnnxProto.Graph.NAME, GRAPH_NAME);
        for (OnnxGraph.Tensor init : graph.initializers()) {
            g.message(OnnxProto.Graph.INITIALIZER, tensor(init));
        }
        g.message(OnnxProto.Graph.INPUT, valueInfo(graph.input().name(), graph.input().shape()));
        g.message(OnnxProto.Graph.OUTPUT, valueInfo(graph.output().name(), graph.output().shape()));
        for (String extra : extraOutputs) {
            ProtoWriter tensor = new ProtoWriter().int64(OnnxProto.TensorType.ELEM_TYPE, OnnxProto.DataType.FLOAT);
            ProtoWriter type = new ProtoWriter().message(OnnxProto.ValueInfo.TENSOR_TYPE, tensor);
            g.message(OnnxProto.Graph.OUTPUT,
                    new ProtoWriter().string(OnnxProto.ValueInfo.NAME, extra).message(OnnxProto.ValueInfo.TYPE, type));
        }

        ProtoWriter model = new ProtoWriter();
        model.int64(OnnxProto.Model.IR_VERSION, OnnxExport.IR_VERSION);
        model.string(OnnxProto.Model.PRODUCER_NAME, OnnxExport.PRODUCER);
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        if (version != null) {
            model.string(OnnxProto.Model.PRODUCER_VERSION, version);
        }
        model.message(OnnxProto.Model.GRAPH, g);
        model.message(OnnxProto.Model.OPSET_IMPORT, new ProtoWriter().string(OnnxProto.OperatorSetId.DOMAIN, "")
                .int64(OnnxProto.OperatorSetId.VERSION, OnnxExport.OPSET));
        if (metadataProps != null) {
            for (Map.Entry<String, String> e : metadataProps.entrySet()) {
                model.message(OnnxProto.Model.METADATA_PROPS, new ProtoWriter()
                        .string(OnnxProto.StringStringEntry.KEY, e.getKey())
                        .string(OnnxProto.StringStringEntry.VALUE, e.getValue()));
            }
        }
        if (model.size() >= MAX_PROTO_BYTES) {
            throw new IllegalArgumentException("the model would be " + model.size()
                    + " bytes; a protobuf file holds less than 2 GiB and external weights are not written");
        }
        return model;
    }

    /** Writes an encoded model atomically. */
    static void write(ProtoWriter model, Path output) throws IOException {
        AtomicFiles.write(output, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            model.writeTo(buffered);
            buffered.flush();
        });
    }

    private static ProtoWriter node(OnnxGraph.Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String in : n.inputs) {
            w.string(OnnxProto.Node.INPUT, in);
        }
        for (String out : n.outputs) {
            w.string(OnnxProto.Node.OUTPUT, out);
        }
        w.string(OnnxProto.Node.NAME, n.name);
        w.string(OnnxProto.Node.OP_TYPE, n.op);
        for (OnnxGraph.Attribute a : n.attributes) {
            w.message(OnnxProto.Node.ATTRIBUTE, attribute(a));
        }
        return w;
    }

    private static ProtoWriter attribute(OnnxGraph.Attribute a) {
        ProtoWriter w = new ProtoWriter().string(OnnxProto.Attribute.NAME, a.name()).int64(OnnxProto.Attribute.TYPE, a.type());
        switch (a.type()) {
            case OnnxProto.AttributeType.FLOAT:
                return w.float32(OnnxProto.Attribute.F, a.real());
            case OnnxProto.AttributeType.INT:
                return w.int64(OnnxProto.Attribute.I, a.ints()[0]);
            case OnnxProto.AttributeType.INTS:
                return w.repeatedInt64(OnnxProto.Attribute.INTS, a.ints());
            default:
                throw new IllegalStateException("attribute " + a.name() + " has type " + a.type() + ", not written here");
        }
    }

    private static ProtoWriter tensor(OnnxGraph.Tensor t) {
        return new ProtoWriter().repeatedInt64(OnnxProto.Tensor.DIMS, t.dims()).int64(OnnxProto.Tensor.DATA_TYPE, t.dataType())
                .string(OnnxProto.Tensor.NAME, t.name()).bytes(OnnxProto.Tensor.RAW_DATA, t.raw());
    }

    /** Shape of a value as ONNX declares it: the first axis is the dynamic batch. */
    private static ProtoWriter valueInfo(String name, Shape shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int i = 0; i < shape.dimension(); i++) {
            ProtoWriter d = i == 0 ? new ProtoWriter().string(OnnxProto.Dimension.DIM_PARAM, OnnxExport.BATCH)
                    : new ProtoWriter().int64(OnnxProto.Dimension.DIM_VALUE, shape.get(i));
            dims.message(OnnxProto.TensorType.DIM, d);
        }
        ProtoWriter tensor = new ProtoWriter().int64(OnnxProto.TensorType.ELEM_TYPE, OnnxProto.DataType.FLOAT)
                .message(OnnxProto.TensorType.SHAPE, dims);
        ProtoWriter type = new ProtoWriter().message(OnnxProto.ValueInfo.TENSOR_TYPE, tensor);
        return new ProtoWriter().string(OnnxProto.ValueInfo.NAME, name).message(OnnxProto.ValueInfo.TYPE, type);
    }
}
