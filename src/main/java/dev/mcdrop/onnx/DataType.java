package dev.mcdrop.onnx;

/**
 * ONNX element types: TensorProto.DataType of onnx.proto (codes 0 to 26 as of ONNX 1.19), with
 * the bits one element takes in raw_data (complex types: both parts; 4- and 2-bit types are
 * packed, two or four to a byte). A code outside this list is refused when read: its size is
 * unknown, so its data cannot be checked.
 */
public enum DataType {
    UNDEFINED(0, 0),
    FLOAT(1, 32),
    UINT8(2, 8),
    INT8(3, 8),
    UINT16(4, 16),
    INT16(5, 16),
    INT32(6, 32),
    INT64(7, 64),
    STRING(8, 0),
    BOOL(9, 8),
    FLOAT16(10, 16),
    DOUBLE(11, 64),
    UINT32(12, 32),
    UINT64(13, 64),
    COMPLEX64(14, 64),
    COMPLEX128(15, 128),
    BFLOAT16(16, 16),
    FLOAT8E4M3FN(17, 8),
    FLOAT8E4M3FNUZ(18, 8),
    FLOAT8E5M2(19, 8),
    FLOAT8E5M2FNUZ(20, 8),
    UINT4(21, 4),
    INT4(22, 4),
    FLOAT4E2M1(23, 4),
    FLOAT8E8M0(24, 8),
    UINT2(25, 2),
    INT2(26, 2);

    private static final DataType[] BY_CODE = values();

    private final int code;
    private final int bits;

    DataType(int code, int bits) {
        this.code = code;
        this.bits = bits;
    }

    /** The TensorProto.DataType number. */
    public int code() {
        return code;
    }

    /** Bits per element in raw_data; 0 for UNDEFINED and STRING (which have no raw form). */
    public int bits() {
        return bits;
    }

    /** The type with this code, or null if ONNX (as this reader knows it) has none. */
    public static DataType ofCode(long code) {
        if (code < 0 || code >= BY_CODE.length) return null;
        DataType t = BY_CODE[(int) code];
        assert t.code == code;
        return t;
    }

    /** Bytes {@code elements} elements take in raw_data (packed sub-byte types rounded up); -1 on overflow. */
    public long rawBytes(long elements) {
        if (bits % 8 == 0) {
            long b = bits / 8;
            return elements > Long.MAX_VALUE / Math.max(b, 1) ? -1 : elements * b;
        }
        long perByte = 8 / bits;
        return elements / perByte + (elements % perByte == 0 ? 0 : 1);
    }
}
