package dev.mcdrop.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors weights file, memory-mapped read-only and validated on {@link #open} before any
 * value is trusted (see {@link SafeTensorsHeader}). Tensors are then read straight from the
 * mapping, converting F16/BF16/F64 to float. The mapping lives in a shared arena, so any thread
 * may read; {@link #close()} unmaps it, after which reads (and segments already handed out)
 * throw {@link IllegalStateException}. Truncating the file while it is open makes reads fail with
 * a WeightsFormatException (the JVM's mapped-memory fault is translated); replacing it atomically,
 * as {@link SafeTensorsWriter} does, is safe: the open mapping keeps the old contents.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data section
 * that the header's data_offsets index into.
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** Same cap as the reference implementation: a larger header is hostile, not a model. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final SafeTensorsHeader header;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment data, SafeTensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    /**
     * Maps and validates {@code path}. Any problem, including the file being unreadable, is a
     * {@link WeightsFormatException} naming the file.
     */
    public static SafeTensorsFile open(Path path) throws WeightsFormatException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment whole = map(path, arena);
            long size = whole.byteSize();
            if (size < 8) {
                throw WeightsFormatException.of(path,
                        "file is " + size + " bytes, too short for the 8-byte header length");
            }
            long headerLength = whole.get(U64_LE, 0); // unsigned u64: values >= 2^63 read negative
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                String shown = Long.toUnsignedString(headerLength);
                throw WeightsFormatException.of(path, "header length " + shown + " is invalid"
                        + " (file has " + (size - 8) + " bytes after the length, limit "
                        + MAX_HEADER_BYTES + ")");
            }
            byte[] headerBytes = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = whole.asSlice(8 + headerLength);
            SafeTensorsHeader header = SafeTensorsHeader.parse(path, headerBytes, data.byteSize());
            return new SafeTensorsFile(path, arena, data, header);
        } catch (WeightsFormatException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path path, Arena arena) throws WeightsFormatException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException | UnsupportedOperationException e) {
            throw WeightsFormatException.of(path, "cannot map file: " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} entries, in header order; unmodifiable, empty if absent. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in header order; unmodifiable. */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** The validated entry of tensor {@code name}. */
    public TensorInfo info(String name) throws WeightsFormatException {
        TensorInfo t = header.tensors().get(name);
        if (t == null) throw WeightsFormatException.ofTensor(path, String.valueOf(name), "no such tensor in file");
        return t;
    }

    /** Checks the shape of {@code name}, e.g. {@code requireShape("conv1.weight", 32, 3, 3, 3)}. */
    public TensorInfo requireShape(String name, long... expected) throws WeightsFormatException {
        TensorInfo t = info(name);
        long[] shape = t.shape();
        if (!Arrays.equals(shape, expected)) {
            throw WeightsFormatException.ofTensor(path, name,
                    "shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        return t;
    }

    /** The shape of {@code name} as ints, for array-indexed code; rejects dimensions beyond int. */
    public int[] intShape(String name) throws WeightsFormatException {
        long[] shape = info(name).shape();
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw WeightsFormatException.ofTensor(path, name,
                        "shape " + Arrays.toString(shape) + ": dimension " + i + " exceeds int range");
            }
            out[i] = (int) shape[i];
        }
        return out;
    }

    /** The raw little-endian bytes of {@code name}: a read-only slice of the mapping. */
    public MemorySegment segment(String name) throws WeightsFormatException {
        TensorInfo t = info(name);
        return data.asSlice(t.dataBegin(), t.byteLength());
    }

    /** All values of {@code name}, converted to float, in row-major order. */
    public float[] readFloats(String name) throws WeightsFormatException {
        TensorInfo t = info(name);
        long n = t.elementCount();
        if (n > MAX_ARRAY) {
            throw WeightsFormatException.ofTensor(path, name,
                    "has " + n + " elements, too many for a float[]");
        }
        float[] out = new float[(int) n];
        copyFloats(t, out, 0);
        return out;
    }

    /** The JVM reports a fault in a mapping (file truncated by someone else) as InternalError. */
    private WeightsFormatException mappingFault(String name, InternalError e) {
        return WeightsFormatException.of(path, "tensor " + WeightsFormatException.quote(name)
                + ": cannot read mapped data (was the file truncated while open?)", e);
    }

    /**
     * Reads all values of {@code name} into {@code dst[dstOffset ..]}.
     *
     * @throws IllegalArgumentException if {@code dst} has no room (a caller bug, not a file problem)
     */
    public void readFloats(String name, float[] dst, int dstOffset) throws WeightsFormatException {
        TensorInfo t = info(name);
        long n = t.elementCount();
        if (dstOffset < 0 || dstOffset > dst.length || n > dst.length - dstOffset) {
            throw new IllegalArgumentException(path + ": tensor " + WeightsFormatException.quote(name)
                    + " has " + n + " elements; no room in float[" + dst.length + "] at offset " + dstOffset);
        }
        copyFloats(t, dst, dstOffset);
    }

    /**
     * True if every value of {@code name}, converted to float as {@link #readFloats} would, is
     * finite: no NaN, no infinity (an F64 beyond float range counts as infinite). Reading is
     * format-level and accepts such values; callers use this to reject broken weights clearly.
     */
    public boolean allFinite(String name) throws WeightsFormatException {
        TensorInfo t = info(name);
        MemorySegment s = data.asSlice(t.dataBegin(), t.byteLength());
        long n = t.elementCount();
        try {
            for (long i = 0; i < n; i++) {
                if (!Float.isFinite(element(t.dtype(), s, i))) return false;
            }
        } catch (InternalError e) {
            throw mappingFault(name, e);
        }
        return true;
    }

    private void copyFloats(TensorInfo t, float[] dst, int dstOffset) throws WeightsFormatException {
        MemorySegment s = data.asSlice(t.dataBegin(), t.byteLength());
        int n = (int) t.elementCount();
        try {
            if (t.dtype() == DType.F32) {
                MemorySegment.copy(s, F32_LE, 0, dst, dstOffset, n);
                return;
            }
            for (int i = 0; i < n; i++) dst[dstOffset + i] = element(t.dtype(), s, i);
        } catch (InternalError e) {
            throw mappingFault(t.name(), e);
        }
    }

    /** Element {@code i} of a tensor segment, converted to float. */
    private static float element(DType dtype, MemorySegment s, long i) {
        return switch (dtype) {
            case F32 -> s.getAtIndex(F32_LE, i);
            case F16 -> Float.float16ToFloat(s.getAtIndex(U16_LE, i));
            case BF16 -> Float.intBitsToFloat((s.getAtIndex(U16_LE, i) & 0xffff) << 16);
            case F64 -> (float) s.getAtIndex(F64_LE, i);
        };
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
