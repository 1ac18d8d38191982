package dev.mcdrop.io;

import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads one tensor entry of a safetensors header ({@code {"dtype", "shape", "data_offsets"}})
 * and checks it against the real data section: known dtype, non-negative dimensions, no
 * overflow in element or byte counts, {@code 0 <= begin <= end <= data length}, and a byte
 * range exactly the size the shape and dtype imply. Also checks that tensors do not overlap.
 */
final class TensorEntryValidator {

    private TensorEntryValidator() {}

    static TensorInfo read(HeaderTokens in, String name, JsonToken first, long dataLength)
            throws IOException {
        Path file = in.file();
        if (first != JsonToken.START_OBJECT) {
            throw WeightsFormatException.ofTensor(file, name,
                    "entry must be an object, found " + HeaderTokens.kind(first));
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (in.next() == JsonToken.FIELD_NAME) {
            String field = in.name();
            JsonToken v = in.next();
            switch (field) {
                case "dtype" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        throw WeightsFormatException.ofTensor(file, name,
                                "dtype must be a string, found " + HeaderTokens.kind(v));
                    }
                    dtype = in.text();
                }
                case "shape" -> shape = in.readLongs(name, "shape", v, SafeTensorsHeader.MAX_RANK);
                case "data_offsets" -> offsets = in.readLongs(name, "data_offsets", v, 2);
                default -> in.skipValue(); // unknown fields are tolerated, as by the reference reader
            }
        }
        if (dtype == null) throw WeightsFormatException.ofTensor(file, name, "missing field 'dtype'");
        if (shape == null) throw WeightsFormatException.ofTensor(file, name, "missing field 'shape'");
        if (offsets == null) throw WeightsFormatException.ofTensor(file, name, "missing field 'data_offsets'");
        return validate(file, name, parseDType(file, name, dtype), shape, offsets, dataLength);
    }

    private static TensorInfo validate(Path file, String name, DType dtype, long[] shape,
            long[] offsets, long dataLength) throws WeightsFormatException {
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw WeightsFormatException.ofTensor(file, name,
                        "shape dimension " + i + " is negative (" + shape[i] + ")");
            }
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException ex) {
                throw WeightsFormatException.ofTensor(file, name,
                        "shape " + Arrays.toString(shape) + " has too many elements (overflow)");
            }
        }
        if (offsets.length != 2) {
            throw WeightsFormatException.ofTensor(file, name,
                    "data_offsets must have 2 entries [begin, end], found " + offsets.length);
        }
        long begin = offsets[0], end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + ")";
        if (begin < 0 || end < 0) {
            throw WeightsFormatException.ofTensor(file, name, range + " are negative");
        }
        if (begin > end) {
            throw WeightsFormatException.ofTensor(file, name, range + ": begin is after end");
        }
        if (end > dataLength) {
            throw WeightsFormatException.ofTensor(file, name,
                    range + " exceed the data section (" + dataLength + " bytes)");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw WeightsFormatException.ofTensor(file, name,
                    "shape " + Arrays.toString(shape) + " is too large in bytes (overflow)");
        }
        if (end - begin != expectedBytes) {
            throw WeightsFormatException.ofTensor(file, name, range + " hold " + (end - begin)
                    + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expectedBytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static DType parseDType(Path file, String name, String text) throws WeightsFormatException {
        DType dtype = DType.fromHeader(text);
        if (dtype != null) return dtype;
        String quoted = WeightsFormatException.quote(text);
        if (DType.UNSUPPORTED.contains(text)) {
            throw WeightsFormatException.ofTensor(file, name,
                    "dtype " + quoted + " is not supported (supported: F32, F16, BF16, F64)");
        }
        throw WeightsFormatException.ofTensor(file, name,
                "unknown dtype " + quoted + " (supported: F32, F16, BF16, F64)");
    }

    /** Rejects any two non-empty tensors sharing a byte; empty tensors occupy no bytes. */
    static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors) throws WeightsFormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : tensors) if (t.byteLength() > 0) sorted.add(t);
        sorted.sort(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
        TensorInfo furthest = null;
        for (TensorInfo t : sorted) {
            if (furthest != null && t.dataBegin() < furthest.dataEnd()) {
                throw WeightsFormatException.ofTensor(file, t.name(),
                        "data_offsets [" + t.dataBegin() + ", " + t.dataEnd() + ") overlap tensor "
                                + WeightsFormatException.quote(furthest.name())
                                + " [" + furthest.dataBegin() + ", " + furthest.dataEnd() + ")");
            }
            if (furthest == null || t.dataEnd() > furthest.dataEnd()) furthest = t;
        }
    }
}
