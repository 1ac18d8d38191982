package dev.mcdrop.onnx;

import dev.mcdrop.io.Names;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor (TensorProto) whose data has been checked against its type and shape when it was read:
 * {@link #data()} holds exactly {@code dataType.rawBytes(elementCount())} little-endian bytes.
 * Where the file stores the values as raw bytes (raw_data, a packed float_data/double_data run,
 * or external data) the segment is a read-only view of the mapped file, not a copy; values stored
 * as varints (int32_data, int64_data, uint64_data) are decoded into a heap segment of the same
 * little-endian layout. STRING tensors keep no data (mcdrop never computes on strings).
 *
 * <p>Typed accessors convert exactly and refuse anything lossy: {@link #floats()} reads FLOAT,
 * FLOAT16 and BFLOAT16 (half types widened exactly); {@link #doubles()} those and DOUBLE;
 * {@link #longs()} every integer type and BOOL (UINT64 values above 2^63 − 1 refused). A mapped
 * file truncated by another program while in use makes them fail with "changed or truncated".
 *
 * @param name     the tensor's name ("" when unnamed, as test_data_set tensors may be)
 * @param dims     its shape (each ≥ 0, product fits a long); copied in and out
 * @param dataType its element type
 * @param storage  where the values were stored in the file
 * @param data     the values' bytes, little-endian, read-only
 * @param external where external data came from, null unless {@code storage == EXTERNAL}
 * @param origin   where it was read, for errors
 */
public record OnnxTensor(String name, long[] dims, DataType dataType, Storage storage, MemorySegment data,
                         External external, Origin origin) {

    /** How the file stored the values. */
    public enum Storage {
        /** raw_data inside the file. */
        RAW_DATA,
        /** float_data, double_data, int32_data, int64_data, uint64_data or string_data. */
        TYPED_FIELD,
        /** data_location EXTERNAL: a file beside the model. */
        EXTERNAL,
        /** No data: the tensor has no elements. */
        EMPTY
    }

    /**
     * The external data of a tensor as resolved.
     *
     * @param location the location as written in the model (relative to the model's directory)
     * @param file     the file it resolved to (its real path, inside the model's directory)
     * @param offset   first byte of the data in {@code file}
     * @param length   bytes of data
     */
    public record External(String location, Path file, long offset, long length) { }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public OnnxTensor {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return dims[i];
    }

    /** Product of the dimensions (1 for a scalar); validated not to overflow when read. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** The values as floats: FLOAT as is, FLOAT16 and BFLOAT16 widened (exact). */
    public float[] floats() throws OnnxFormatException {
        int n = arrayLength("floats()");
        float[] out = new float[n];
        try {
            switch (dataType) {
                case FLOAT -> MemorySegment.copy(data, F32, 0, out, 0, n);
                case FLOAT16 -> {
                    for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getAtIndex(I16, i));
                }
                case BFLOAT16 -> {
                    for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xFFFF) << 16);
                }
                default -> throw wrongType("floats()", "FLOAT, FLOAT16 and BFLOAT16" + (dataType == DataType.DOUBLE ? " (use doubles())" : ""));
            }
        } catch (InternalError e) {
            throw changed(e);
        }
        return out;
    }

    /** The values as doubles: DOUBLE as is, FLOAT, FLOAT16 and BFLOAT16 widened (exact). */
    public double[] doubles() throws OnnxFormatException {
        if (dataType != DataType.DOUBLE) {
            if (dataType != DataType.FLOAT && dataType != DataType.FLOAT16 && dataType != DataType.BFLOAT16) {
                throw wrongType("doubles()", "DOUBLE, FLOAT, FLOAT16 and BFLOAT16");
            }
            float[] f = floats();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) out[i] = f[i];
            return out;
        }
        int n = arrayLength("doubles()");
        double[] out = new double[n];
        try {
            MemorySegment.copy(data, F64, 0, out, 0, n);
        } catch (InternalError e) {
            throw changed(e);
        }
        return out;
    }

    /** The values as longs: every signed and unsigned integer type, BOOL as 0/1; UINT64 beyond 2^63 − 1 refused. */
    public long[] longs() throws OnnxFormatException {
        int n = arrayLength("longs()");
        long[] out = new long[n];
        try {
            switch (dataType) {
                case INT64 -> MemorySegment.copy(data, I64, 0, out, 0, n);
                case UINT64 -> {
                    for (int i = 0; i < n; i++) {
                        long v = data.getAtIndex(I64, i);
                        if (v < 0) throw origin.error("value " + Long.toUnsignedString(v) + " at index " + i + " exceeds the long range");
                        out[i] = v;
                    }
                }
                case INT32 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i); }
                case UINT32 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i) & 0xFFFF_FFFFL; }
                case INT16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I16, i); }
                case UINT16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I16, i) & 0xFFFF; }
                case INT8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i); }
                case UINT8, BOOL -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF; }
                default -> throw wrongType("longs()", "the integer types and BOOL");
            }
        } catch (InternalError e) {
            throw changed(e);
        }
        return out;
    }

    /** The dims as ints, for array-indexed code; a dimension beyond int is refused. */
    public int[] intDims() throws OnnxFormatException {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) throw origin.error("dims " + Arrays.toString(dims) + ": dimension " + i + " exceeds the int range");
            out[i] = (int) dims[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + Names.quote(name) + " " + dataType + " " + Arrays.toString(dims) + " " + storage + "]";
    }

    private int arrayLength(String accessor) throws OnnxFormatException {
        long n = elementCount();
        if (n > MAX_ARRAY) throw origin.error(accessor + ": " + n + " elements do not fit a Java array");
        return (int) n;
    }

    private OnnxFormatException wrongType(String accessor, String accepted) {
        return origin.error("is " + dataType + "; " + accessor + " reads " + accepted);
    }

    private OnnxFormatException changed(InternalError e) {
        return origin.error("the file changed or was truncated while being read (is another program writing it?)", e);
    }
}
