package dev.mcdrop.onnx;

import dev.mcdrop.onnx.ProtoReader.FixedList;
import dev.mcdrop.onnx.ProtoReader.LongList;
import dev.mcdrop.onnx.ProtoReader.Malformed;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * TensorProto from the wire, its data checked against its type and shape before anything is
 * allocated. Field numbers (onnx/onnx.proto): dims 1, data_type 2, segment 3 (refused),
 * float_data 4, int32_data 5, string_data 6, int64_data 7, name 8, raw_data 9, double_data 10,
 * uint64_data 11, external_data 13 (StringStringEntryProto: location, offset, length, checksum),
 * data_location 14 (0 DEFAULT, 1 EXTERNAL); skipped: doc_string 12, metadata_props 16.
 *
 * <p>Rules, from the comments of onnx.proto: exactly one of raw_data, the typed *_data fields and
 * external data holds the values (none only when there are no elements); raw_data holds
 * {@code elements × size} bytes (4- and 2-bit types packed); float_data is for FLOAT and
 * COMPLEX64, double_data for DOUBLE and COMPLEX128, int64_data for INT64, uint64_data for UINT32
 * and UINT64, int32_data for the narrower integer types, BOOL, FLOAT16, BFLOAT16 and the 8-bit
 * floats (as their bit patterns), string_data for STRING; each holds one value per element (two
 * for complex). A value out of its type's range in int32_data or uint64_data is refused, not
 * wrapped.
 */
final class TensorParser {
    private TensorParser() {}

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Reads the TensorProto ahead of {@code r}. {@code originFor} gives the tensor's place from
     * its name (null or "" when it has none), for the record and for errors.
     */
    static OnnxTensor tensor(ProtoReader r, Function<String, Origin> originFor, ReadContext ctx) throws OnnxFormatException {
        ProtoReader start = r.copy();
        String name = "";
        LongList dims = new LongList();
        long dataTypeCode = 0;
        long location = 0;
        MemorySegment raw = null;
        FixedList floatData = new FixedList(4), doubleData = new FixedList(8);
        LongList int32Data = null, int64Data = null, uint64Data = null;
        long strings = -1;
        Map<String, String> external = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>(); // the data fields present, in order of first appearance
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        r.varints("dims", dims);
                        if (dims.size() > ctx.limits.maxRank()) throw r.malformed("more than " + ctx.limits.maxRank() + " dims");
                    }
                    case 2 -> dataTypeCode = r.int32("data_type");
                    case 3 -> throw r.malformed("segment (a chunk of a larger tensor) is not supported");
                    case 4 -> {
                        note(sources, "float_data");
                        r.fixed("float_data", floatData);
                    }
                    case 5 -> {
                        note(sources, "int32_data");
                        if (int32Data == null) int32Data = new LongList();
                        r.varints("int32_data", int32Data);
                    }
                    case 6 -> {
                        note(sources, "string_data");
                        r.bytes("string_data");
                        strings = Math.max(strings, 0) + 1;
                    }
                    case 7 -> {
                        note(sources, "int64_data");
                        if (int64Data == null) int64Data = new LongList();
                        r.varints("int64_data", int64Data);
                    }
                    case 8 -> name = r.string("name");
                    case 9 -> {
                        note(sources, "raw_data");
                        raw = r.bytes("raw_data"); // last one wins, as in protobuf
                    }
                    case 10 -> {
                        note(sources, "double_data");
                        r.fixed("double_data", doubleData);
                    }
                    case 11 -> {
                        note(sources, "uint64_data");
                        if (uint64Data == null) uint64Data = new LongList();
                        r.varints("uint64_data", uint64Data);
                    }
                    case 13 -> externalEntry(r.message("external_data"), external, r);
                    case 14 -> location = r.int32("data_location");
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw originFor.apply(OnnxParser.prescan(start, 8)[0]).error(e.getMessage()); // the name may come after the fault
        }
        Origin o = originFor.apply(name);
        ctx.count(1, o);

        DataType type = DataType.ofCode(dataTypeCode);
        if (type == null) throw o.error("data_type " + dataTypeCode + " is not an ONNX data type");
        long[] shape = dims.toArray();
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) throw o.error("dims " + Arrays.toString(shape) + ": dimension " + i + " is negative");
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw o.error("dims " + Arrays.toString(shape) + ": the element count overflows 64 bits");
            }
        }
        if (location != 0 && location != 1) throw o.error("data_location " + location + " is neither DEFAULT (0) nor EXTERNAL (1)");
        if (location == 1) {
            if (!sources.isEmpty()) throw o.error("data_location is EXTERNAL but the tensor also has " + sources.getFirst());
            sources.add("external_data");
        } else if (!external.isEmpty()) {
            throw o.error("has external_data but data_location is DEFAULT");
        }
        if (sources.size() > 1) throw o.error("has both " + sources.get(0) + " and " + sources.get(1) + " (one data field is allowed)");
        if (type == DataType.UNDEFINED) throw o.error("data_type is UNDEFINED (0) or missing");
        long bytes = type.rawBytes(n);
        if (type != DataType.STRING && bytes < 0) {
            throw o.error("dims " + Arrays.toString(shape) + ": " + n + " " + type + " elements would take more than 2^63 bytes");
        }
        String source = sources.isEmpty() ? null : sources.getFirst();
        if (source == null) {
            if (n != 0) throw o.error("has " + n + " elements but no data (no raw_data, *_data or external data)");
            return new OnnxTensor(name, shape, type, OnnxTensor.Storage.EMPTY, MemorySegment.ofArray(new byte[0]).asReadOnly(), null, o);
        }
        if (source.equals("string_data") != (type == DataType.STRING)) {
            throw o.error("is " + type + " but its values are in " + source);
        }
        return switch (source) {
            case "raw_data" -> {
                if (raw.byteSize() != bytes) {
                    throw o.error("raw_data has " + raw.byteSize() + " bytes; " + n + " " + type + " elements (dims "
                            + Arrays.toString(shape) + ") take " + bytes);
                }
                yield new OnnxTensor(name, shape, type, OnnxTensor.Storage.RAW_DATA, raw.asReadOnly(), null, o);
            }
            case "external_data" -> {
                ExternalData.Resolved e = ExternalData.resolve(external, bytes, type, n, o, ctx);
                yield new OnnxTensor(name, shape, type, OnnxTensor.Storage.EXTERNAL, e.data(), e.external(), o);
            }
            case "string_data" -> {
                if (strings != n) throw o.error("string_data has " + strings + " strings for " + n + " elements");
                yield typed(name, shape, type, MemorySegment.ofArray(new byte[0]), o);
            }
            case "float_data" -> typed(name, shape, type, fixed(floatData, "float_data", type, n, DataType.FLOAT, DataType.COMPLEX64, o), o);
            case "double_data" -> typed(name, shape, type, fixed(doubleData, "double_data", type, n, DataType.DOUBLE, DataType.COMPLEX128, o), o);
            case "int64_data" -> typed(name, shape, type, varints(int64Data, "int64_data", type, n, o), o);
            case "uint64_data" -> typed(name, shape, type, varints(uint64Data, "uint64_data", type, n, o), o);
            case "int32_data" -> typed(name, shape, type, varints(int32Data, "int32_data", type, n, o), o);
            default -> throw new IllegalStateException(source);
        };
    }

    private static void note(List<String> sources, String field) {
        if (!sources.contains(field)) sources.add(field);
    }

    private static OnnxTensor typed(String name, long[] shape, DataType type, MemorySegment data, Origin o) {
        return new OnnxTensor(name, shape, type, OnnxTensor.Storage.TYPED_FIELD, data.asReadOnly(), null, o);
    }

    /** float_data / double_data: the wire's little-endian bytes are already the element layout. */
    private static MemorySegment fixed(FixedList list, String field, DataType type, long n, DataType real, DataType complex,
                                       Origin o) throws OnnxFormatException {
        long perElement = type == real ? 1 : type == complex ? 2 : 0;
        if (perElement == 0) throw o.error("is " + type + " but its values are in " + field + " (for " + real + " and " + complex + ")");
        MemorySegment b = list.bytes();
        long count = b.byteSize() / list.width();
        if (count / perElement != n || count % perElement != 0) {
            throw o.error(field + " has " + count + " values; " + n + " " + type + " elements need " + (perElement == 2 ? "2 × " + n : String.valueOf(n)));
        }
        return b;
    }

    /** int32_data, int64_data, uint64_data: each value range-checked and written in the element's raw layout. */
    private static MemorySegment varints(LongList values, String field, DataType type, long n, Origin o) throws OnnxFormatException {
        long lo, hi; // accepted range, as signed longs (UINT64: any bit pattern)
        switch (field) {
            case "int64_data" -> {
                if (type != DataType.INT64) throw misplaced(type, field, "INT64", o);
                lo = Long.MIN_VALUE;
                hi = Long.MAX_VALUE;
            }
            case "uint64_data" -> {
                switch (type) {
                    case UINT32 -> { lo = 0; hi = 0xFFFF_FFFFL; }
                    case UINT64 -> { lo = Long.MIN_VALUE; hi = Long.MAX_VALUE; }
                    default -> throw misplaced(type, field, "UINT32 and UINT64", o);
                }
            }
            default -> {
                switch (type) {
                    case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
                    case INT16 -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
                    case INT8 -> { lo = Byte.MIN_VALUE; hi = Byte.MAX_VALUE; }
                    case UINT16, FLOAT16, BFLOAT16 -> { lo = 0; hi = 0xFFFF; }
                    case UINT8, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0 -> { lo = 0; hi = 0xFF; }
                    case BOOL -> { lo = 0; hi = 1; }
                    default -> throw misplaced(type, field,
                            "INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16 and the 8-bit floats; 4- and 2-bit types are read from raw_data only", o);
                }
            }
        }
        if (values.size() != n) throw o.error(field + " has " + values.size() + " values for " + n + " " + type + " elements");
        int size = type.bits() / 8;
        MemorySegment out = MemorySegment.ofArray(new long[(int) ((n * size + 7) / 8)]).asSlice(0, n * size);
        for (int i = 0; i < n; i++) {
            long v = values.get(i);
            if (v < lo || v > hi) {
                throw o.error(field + " value " + (type == DataType.UINT64 ? Long.toUnsignedString(v) : Long.toString(v)) + " at index " + i
                        + " is out of range for " + type);
            }
            switch (size) {
                case 1 -> out.set(ValueLayout.JAVA_BYTE, i, (byte) v);
                case 2 -> out.setAtIndex(I16, i, (short) v);
                case 4 -> out.setAtIndex(I32, i, (int) v);
                default -> out.setAtIndex(I64, i, v);
            }
        }
        return out;
    }

    private static OnnxFormatException misplaced(DataType type, String field, String accepted, Origin o) {
        return o.error("is " + type + " but its values are in " + field + " (for " + accepted + ")");
    }

    /** One StringStringEntryProto of external_data; a key given twice is refused. */
    private static void externalEntry(ProtoReader e, Map<String, String> into, ProtoReader parent) {
        String key = "", value = "";
        while (e.next()) {
            switch (e.field()) {
                case 1 -> key = e.string("key");
                case 2 -> value = e.string("value");
                default -> e.skip();
            }
        }
        if (into.put(key, value) != null) throw parent.malformed("external_data key " + dev.mcdrop.io.Names.quote(key) + " appears twice");
    }
}
