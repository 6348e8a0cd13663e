package io.github.attentionzoo.io;

/**
 * The numbers of ONNX's protobuf schema ({@code onnx.proto}) that this project writes and reads,
 * named once: the exporter's writer and {@link OnnxMetadataProps}' reader both use these, so a
 * field number is spelt in one place. Each nested class is one message of the schema; its
 * constants are that message's field numbers, or, for {@link DataType} and {@link
 * AttributeType}, the enum values.
 */
public final class OnnxProto {

    private OnnxProto() {}

    /** Protobuf wire types, the low three bits of a field's tag. */
    public static final class Wire {
        private Wire() {}

        /** int32, int64, enum, bool. */
        public static final int VARINT = 0;
        /** fixed64, double. */
        public static final int FIXED64 = 1;
        /** strings, bytes, embedded messages, packed repeated fields. */
        public static final int LENGTH_DELIMITED = 2;
        /** fixed32, float. */
        public static final int FIXED32 = 5;
    }

    /** {@code ModelProto}: the file. */
    public static final class Model {
        private Model() {}

        /** {@code ir_version}. */
        public static final int IR_VERSION = 1;
        /** {@code producer_name}. */
        public static final int PRODUCER_NAME = 2;
        /** {@code producer_version}. */
        public static final int PRODUCER_VERSION = 3;
        /** {@code graph}, a {@link Graph}. */
        public static final int GRAPH = 7;
        /** {@code opset_import}, an {@link OperatorSetId}. */
        public static final int OPSET_IMPORT = 8;
        /** {@code metadata_props}, a {@link StringStringEntry}. */
        public static final int METADATA_PROPS = 14;
    }

    /** {@code GraphProto}. */
    public static final class Graph {
        private Graph() {}

        /** {@code node}, a {@link Node}. */
        public static final int NODE = 1;
        /** {@code name}. */
        public static final int NAME = 2;
        /** {@code initializer}, a {@link Tensor}. */
        public static final int INITIALIZER = 5;
        /** {@code input}, a {@link ValueInfo}. */
        public static final int INPUT = 11;
        /** {@code output}, a {@link ValueInfo}. */
        public static final int OUTPUT = 12;
    }

    /** {@code NodeProto}. */
    public static final class Node {
        private Node() {}

        /** {@code input}, a value's name. */
        public static final int INPUT = 1;
        /** {@code output}, a value's name. */
        public static final int OUTPUT = 2;
        /** {@code name}. */
        public static final int NAME = 3;
        /** {@code op_type}. */
        public static final int OP_TYPE = 4;
        /** {@code attribute}, an {@link Attribute}. */
        public static final int ATTRIBUTE = 5;
    }

    /** {@code AttributeProto}. */
    public static final class Attribute {
        private Attribute() {}

        /** {@code name}. */
        public static final int NAME = 1;
        /** {@code f}, a float. */
        public static final int F = 2;
        /** {@code i}, an int64. */
        public static final int I = 3;
        /** {@code ints}, repeated int64. */
        public static final int INTS = 8;
        /** {@code type}, an {@link AttributeType}. */
        public static final int TYPE = 20;
    }

    /** {@code AttributeProto.AttributeType}. */
    public static final class AttributeType {
        private AttributeType() {}

        /** {@code FLOAT}. */
        public static final int FLOAT = 1;
        /** {@code INT}. */
        public static final int INT = 2;
        /** {@code INTS}. */
        public static final int INTS = 7;
    }

    /** {@code TensorProto}. */
    public static final class Tensor {
        private Tensor() {}

        /** {@code dims}, repeated int64. */
        public static final int DIMS = 1;
        /** {@code data_type}, a {@link DataType}. */
        public static final int DATA_TYPE = 2;
        /** {@code name}. */
        public static final int NAME = 8;
        /** {@code raw_data}, little-endian. */
        public static final int RAW_DATA = 9;
    }

    /** {@code TensorProto.DataType}. */
    public static final class DataType {
        private DataType() {}

        /** {@code FLOAT}. */
        public static final int FLOAT = 1;
        /** {@code UINT8}. */
        public static final int UINT8 = 2;
        /** {@code INT8}. */
        public static final int INT8 = 3;
        /** {@code INT32}. */
        public static final int INT32 = 6;
        /** {@code INT64}. */
        public static final int INT64 = 7;
    }

    /** {@code ValueInfoProto}. */
    public static final class ValueInfo {
        private ValueInfo() {}

        /** {@code name}. */
        public static final int NAME = 1;
        /** {@code type}, a {@code TypeProto} whose field {@link #TENSOR_TYPE} is a {@link TensorType}. */
        public static final int TYPE = 2;
        /** {@code TypeProto.tensor_type}. */
        public static final int TENSOR_TYPE = 1;
    }

    /** {@code TypeProto.Tensor}. */
    public static final class TensorType {
        private TensorType() {}

        /** {@code elem_type}, a {@link DataType}. */
        public static final int ELEM_TYPE = 1;
        /** {@code shape}, a {@code TensorShapeProto} of {@link Dimension}s. */
        public static final int SHAPE = 2;
        /** {@code TensorShapeProto.dim}, a {@link Dimension}. */
        public static final int DIM = 1;
    }

    /** {@code TensorShapeProto.Dimension}. */
    public static final class Dimension {
        private Dimension() {}

        /** {@code dim_value}, a fixed size. */
        public static final int DIM_VALUE = 1;
        /** {@code dim_param}, a named (dynamic) size. */
        public static final int DIM_PARAM = 2;
    }

    /** {@code OperatorSetIdProto}. */
    public static final class OperatorSetId {
        private OperatorSetId() {}

        /** {@code domain}; empty for the default ONNX domain. */
        public static final int DOMAIN = 1;
        /** {@code version}. */
        public static final int VERSION = 2;
    }

    /** {@code StringStringEntryProto}, one entry of {@code metadata_props}. */
    public static final class StringStringEntry {
        private StringStringEntry() {}

        /** {@code key}. */
        public static final int KEY = 1;
        /** {@code value}. */
        public static final int VALUE = 2;
    }
}
