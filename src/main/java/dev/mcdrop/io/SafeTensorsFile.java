package dev.mcdrop.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors weights file, validated on {@link #open} before any value is trusted (see
 * {@link SafeTensorsHeader}): the header is read with ordinary reads, the data section then
 * memory-mapped read-only. Tensors are read straight from the mapping, converting F16/BF16/F64 to
 * float. The mapping lives in a shared arena, so any thread may read; {@link #close()} unmaps it,
 * after which reads (and segments already handed out) throw {@link IllegalStateException}.
 * Truncating the file while it is opened or open makes opening or reading fail with a
 * WeightsFormatException "changed or truncated while being read" (a short read, or the JVM's
 * InternalError for a fault in mapped memory, translated by every read here; a caller reading a
 * {@link #segment} itself must do the same); replacing it atomically, as {@link SafeTensorsWriter}
 * does, is safe: the open mapping keeps the old contents.
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
     * Reads and validates the header of {@code path}, then maps its data section. Any problem,
     * including the file being unreadable or not a regular file, is a
     * {@link WeightsFormatException} naming the file.
     */
    public static SafeTensorsFile open(Path path) throws WeightsFormatException {
        return open(path, () -> {});
    }

    /** {@link #open(Path)}, running {@code afterOpening} once the file is open, before anything is read (tests). */
    static SafeTensorsFile open(Path path, Runnable afterOpening) throws WeightsFormatException {
        try {
            InputFiles.requireRegularFile(path, null); // a FIFO would block in open, a device never end
        } catch (InputFiles.RefusedException e) {
            throw WeightsFormatException.of(path, e.getReason());
        } catch (java.nio.file.NoSuchFileException e) {
            throw WeightsFormatException.of(path, "no such file", e);
        } catch (IOException e) {
            throw WeightsFormatException.of(path, "cannot open file: " + e, e);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            afterOpening.run();
            if (size < 8) {
                throw WeightsFormatException.of(path,
                        "file is " + size + " bytes, too short for the 8-byte header length");
            }
            // The header is read, not mapped: a mapped read of a file truncated meanwhile is a SIGBUS.
            long headerLength = read(ch, path, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0); // u64: >= 2^63 reads negative
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                String shown = Long.toUnsignedString(headerLength);
                throw WeightsFormatException.of(path, "header length " + shown + " is invalid"
                        + " (file has " + (size - 8) + " bytes after the length, limit "
                        + MAX_HEADER_BYTES + ")");
            }
            byte[] headerBytes = read(ch, path, 8, (int) headerLength).array();
            long dataBytes = size - 8 - headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.parse(path, headerBytes, dataBytes);
            MemorySegment data;
            try {
                data = ch.map(MapMode.READ_ONLY, 8 + headerLength, dataBytes, arena);
            } catch (IOException e) {
                if (ch.size() < size) throw changedWhileRead(path, null, e);
                throw WeightsFormatException.of(path, "cannot map file: " + e, e);
            }
            return new SafeTensorsFile(path, arena, data, header);
        } catch (IOException | UnsupportedOperationException e) {
            arena.close();
            if (e instanceof WeightsFormatException w) throw w;
            throw WeightsFormatException.of(path, "cannot read file: " + e, e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** {@code n} bytes at {@code position}; fewer (the file shrank since its size was taken) is an error. */
    private static ByteBuffer read(FileChannel ch, Path path, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw changedWhileRead(path, null, null);
        }
        return b;
    }

    /**
     * The file shrank or changed under us: its header no longer matches its size, or (the JVM's
     * {@link InternalError} for a fault in mapped memory, i.e. SIGBUS) a mapped page is gone.
     */
    private static WeightsFormatException changedWhileRead(Path path, String tensor, Throwable cause) {
        String what = tensor == null ? "" : "tensor " + WeightsFormatException.quote(tensor) + ": ";
        return WeightsFormatException.of(path, what + "changed or truncated while being read"
                + " (is another program writing it? reload once it is complete)", cause);
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
        return changedWhileRead(path, name, e);
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
