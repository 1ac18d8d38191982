package dev.mcdrop.onnx;

import dev.mcdrop.io.InputFiles;
import dev.mcdrop.io.Names;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Reads ONNX files: a model ({@code .onnx}, a ModelProto) or one tensor (a TensorProto, as in the
 * ONNX backend tests' {@code test_data_set_N/input_K.pb}). The file must be a regular file (a FIFO
 * or device is refused before it is opened) within {@link Limits#maxFileBytes}; it is read into
 * the heap (up to 1 MiB) or mapped read-only, and parsed with mcdrop's own protobuf reader
 * ({@link ProtoReader}; why not protobuf-java: docs/ONNX.md, "Reader"). Tensor data stay where
 * they are: a tensor's {@link OnnxTensor#data()} is a read-only slice of that buffer, and a
 * mapping is released when nothing refers to it any more (no close). A mapped file rewritten in
 * place by another program changes or faults under its views (reads then fail with "changed or
 * truncated"); replacing it by a rename is safe. External data is mapped, and read only from the
 * model's own directory ({@link ExternalData}).
 *
 * <p>Everything wrong with a file is an {@link OnnxFormatException} whose one-line message names
 * the file and the place inside it; a file truncated by another program while mapped is reported
 * as "changed or truncated while being read". What is read is the ONNX subset mcdrop needs (see
 * the records); a model that is well formed protobuf but not a sensible computation (undefined
 * values, cycles, unknown operators) reads fine and is for the importer to refuse.
 */
public final class OnnxFile {
    private OnnxFile() {}

    /**
     * Bounds on what one read may cost.
     *
     * @param maxFileBytes largest file read (protobuf itself cannot exceed 2 GiB; larger models
     *                     keep their weights as external data, which this does not bound)
     * @param maxNodes     most nodes in the graph
     * @param maxEntries   most entries overall (nodes, attributes, node inputs and outputs, value
     *                     infos, dimensions, tensors, metadata); bounds the heap a file of many
     *                     tiny entries could claim (a few hundred bytes each: a 2-byte empty
     *                     entry in the file becomes a record)
     * @param maxRank      most dimensions of a tensor or declared shape
     * @param maxVarints   most values of repeated varint fields (dims, ints attributes,
     *                     int32_data, int64_data, uint64_data) decoded in all; each becomes 8
     *                     bytes or more of heap, so this bounds what a file of one-byte varints
     *                     could claim (weights are in raw_data, which is not decoded)
     */
    public record Limits(long maxFileBytes, int maxNodes, long maxEntries, int maxRank, long maxVarints) {
        /** 2 GiB − 1, 100,000 nodes, 1,000,000 entries, rank 64, 16 Mi varint-coded values. */
        public static final Limits DEFAULT = new Limits(Integer.MAX_VALUE, 100_000, 1_000_000, 64, 16 << 20);
    }

    /** Reads the model {@code file} with the {@link Limits#DEFAULT default limits}. */
    public static OnnxModel read(Path file) throws OnnxFormatException {
        return read(file, Limits.DEFAULT);
    }

    /**
     * Files up to this size are read into the heap; larger ones are mapped. Mapping costs a
     * system call, a cleaner and an unmapping per file, more than reading a small file (docs/ONNX.md,
     * "Reader": 0.3 ms against 0.04 ms for a 7.7 KB model); for a large one it saves the copy.
     * Either way tensor data are slices of the one buffer, never copied per tensor.
     */
    static final long MAP_ABOVE = 1 << 20;

    /** Reads the model {@code file}. */
    public static OnnxModel read(Path file, Limits limits) throws OnnxFormatException {
        return read(file, limits, MAP_ABOVE);
    }

    /** {@link #read(Path, Limits)}, mapping files larger than {@code mapAbove} bytes (tests: 0 maps every file). */
    static OnnxModel read(Path file, Limits limits, long mapAbove) throws OnnxFormatException {
        ReadContext ctx = new ReadContext(file, limits);
        MemorySegment data = load(file, limits, mapAbove, ctx);
        try {
            return new OnnxParser(ctx).model(ProtoReader.of(data, limits.maxVarints()));
        } catch (InternalError e) {
            throw changed(file, e);
        }
    }

    /** Reads one TensorProto file (e.g. test_data_set_0/input_0.pb) with the default limits. */
    public static OnnxTensor readTensor(Path file) throws OnnxFormatException {
        return readTensor(file, Limits.DEFAULT);
    }

    /** Reads one TensorProto file; external data, if any, is looked for beside it. */
    public static OnnxTensor readTensor(Path file, Limits limits) throws OnnxFormatException {
        return readTensor(file, limits, MAP_ABOVE);
    }

    static OnnxTensor readTensor(Path file, Limits limits, long mapAbove) throws OnnxFormatException {
        ReadContext ctx = new ReadContext(file, limits);
        MemorySegment data = load(file, limits, mapAbove, ctx);
        try {
            Origin o = Origin.root(file);
            return TensorParser.tensor(ProtoReader.of(data, limits.maxVarints()),
                    name -> name == null || name.isEmpty() ? o.child("tensor") : o.child("tensor " + Names.quote(name)), ctx);
        } catch (InternalError e) {
            throw changed(file, e);
        }
    }

    /** The file's bytes: read into the heap up to {@code mapAbove} bytes, else mapped read-only. */
    private static MemorySegment load(Path file, Limits limits, long mapAbove, ReadContext ctx) throws OnnxFormatException {
        Origin o = Origin.root(file);
        try {
            long size = InputFiles.requireRegularFile(file, null);
            if (size > limits.maxFileBytes()) {
                throw o.error(String.format(Locale.ROOT, "is %,d bytes, more than the %,d allowed", size, limits.maxFileBytes()));
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long now = ch.size();
                if (now > limits.maxFileBytes()) throw o.error("grew past the size limit while being opened");
                if (now > mapAbove) return ch.map(FileChannel.MapMode.READ_ONLY, 0, now, ctx.arena);
                ByteBuffer b = ByteBuffer.allocate((int) now);
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) throw o.error("changed or truncated while being read (is another program writing it?)");
                }
                return MemorySegment.ofArray(b.array()).asReadOnly();
            }
        } catch (InputFiles.RefusedException e) {
            throw o.error(e.getReason());
        } catch (NoSuchFileException e) {
            throw o.error("no such file");
        } catch (OnnxFormatException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            throw o.error("cannot read file: " + Names.display(String.valueOf(e.getMessage()), 200), e);
        }
    }

    private static OnnxFormatException changed(Path file, InternalError e) {
        return Origin.root(file).error("changed or truncated while being read (is another program writing it?)", e);
    }
}
