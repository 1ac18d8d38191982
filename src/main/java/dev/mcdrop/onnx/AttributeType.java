package dev.mcdrop.onnx;

/**
 * AttributeProto.AttributeType of onnx.proto (codes 0 to 14). mcdrop reads the values of FLOAT,
 * INT, STRING, TENSOR, FLOATS, INTS and STRINGS; the others (subgraphs, lists of tensors, sparse
 * tensors, type protos) are recognised and skipped, and asking for their value is refused.
 */
public enum AttributeType {
    UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8),
    TENSORS(9), GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

    private static final AttributeType[] BY_CODE = values();

    private final int code;

    AttributeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null if there is none. */
    public static AttributeType ofCode(long code) {
        return code < 0 || code >= BY_CODE.length ? null : BY_CODE[(int) code];
    }
}
