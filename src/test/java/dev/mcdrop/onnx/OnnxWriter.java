package dev.mcdrop.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-side builders of ONNX messages on {@link ProtoWriter}, with onnx.proto's field numbers
 * written out here a second time (so a wrong number in the reader is caught against real files
 * in the conformance tests, and these builders against the same files through the reader).
 */
public final class OnnxWriter {
    private OnnxWriter() {}

    /** A ModelProto: ir_version 8, opset_import ("", 13), producer "mcdrop-test", the graph. */
    public static ProtoWriter model(ProtoWriter graph) {
        return new ProtoWriter().varint(1, 8).string(2, "mcdrop-test").string(3, "1")
                .message(7, graph).message(8, new ProtoWriter().string(1, "").varint(2, 13));
    }

    /** A GraphProto with a name; add nodes (1), initializers (5), inputs (11), outputs (12). */
    public static ProtoWriter graph(String name) {
        return new ProtoWriter().string(2, name);
    }

    public static ProtoWriter node(String opType, String name, String[] inputs, String[] outputs, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, name).string(4, opType);
        for (ProtoWriter a : attributes) n.message(5, a);
        return n;
    }

    public static ProtoWriter attrInt(String name, long v) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.INT.code()).varint(3, v);
    }

    public static ProtoWriter attrFloat(String name, float v) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.FLOAT.code()).fixed32(2, v);
    }

    public static ProtoWriter attrString(String name, String v) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.STRING.code()).string(4, v);
    }

    public static ProtoWriter attrInts(String name, long... v) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.INTS.code()).packedVarints(8, v);
    }

    public static ProtoWriter attrFloats(String name, float... v) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.FLOATS.code()).packedFloats(7, v);
    }

    public static ProtoWriter attrTensor(String name, ProtoWriter tensor) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.TENSOR.code()).message(5, tensor);
    }

    public static ProtoWriter attrGraph(String name, ProtoWriter graph) {
        return new ProtoWriter().string(1, name).varint(20, AttributeType.GRAPH.code()).message(6, graph);
    }

    /** A TensorProto header: name (8), data_type (2), dims (1, unpacked as onnx's Python writes them). */
    public static ProtoWriter tensorHeader(String name, DataType type, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.varint(1, d);
        return t.varint(2, type.code()).string(8, name);
    }

    /** A FLOAT tensor with its values in raw_data. */
    public static ProtoWriter floatTensor(String name, long[] dims, float... values) {
        return tensorHeader(name, DataType.FLOAT, dims).bytes(9, floatBytes(values));
    }

    public static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** A ValueInfoProto of a tensor; each dim a Long (dim_value) or a String (dim_param). */
    public static ProtoWriter valueInfo(String name, DataType elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            shape.message(1, d instanceof String p ? new ProtoWriter().string(2, p) : new ProtoWriter().varint(1, ((Number) d).longValue()));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elemType.code()).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A one-node Relu model on a [1, 4] float input: the smallest useful valid model. */
    public static ProtoWriter reluModel() {
        return model(graph("relu")
                .message(1, node("Relu", "relu1", new String[] {"x"}, new String[] {"y"}))
                .message(11, valueInfo("x", DataType.FLOAT, 1L, 4L))
                .message(12, valueInfo("y", DataType.FLOAT, 1L, 4L)));
    }

    public static Path write(Path file, ProtoWriter message) throws java.io.IOException {
        return Files.write(file, message.toByteArray());
    }

    public static Path write(Path file, byte[] bytes) throws java.io.IOException {
        return Files.write(file, bytes);
    }
}
