package dev.mcdrop.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/) over
 * one message: a region [start, end) of a memory segment holding the whole file. It knows no
 * schema; {@link OnnxParser} and {@link TensorParser} ask it for fields by number and say what
 * kind each should be. Hostile input is the normal case here, so every read is checked:
 * <ul>
 *   <li>a varint has at most 10 bytes and fits 64 bits; a tag fits 32 bits, field number ≥ 1;</li>
 *   <li>a length is checked against the bytes left in the <em>enclosing message</em>, not just
 *       the file, before anything is sliced or allocated;</li>
 *   <li>nested messages are read at most {@link #MAX_DEPTH} deep (ONNX's subset read here nests
 *       about 7 deep; fields mcdrop does not read, subgraphs included, are skipped by length,
 *       without recursion);</li>
 *   <li>groups (wire types 3, 4), unused by ONNX, and wire types 6, 7 are refused; a known field
 *       with the wrong wire type is refused (protobuf-java would silently skip it);</li>
 *   <li>strings must be valid UTF-8 (two different invalid names must not become the same
 *       name) and at most {@link #MAX_STRING_BYTES} long.</li>
 * </ul>
 * Positions in messages are absolute byte offsets in the file. Errors are {@link Malformed}, an
 * unchecked exception without a stack trace that the message parsers turn into an
 * {@link OnnxFormatException} naming the place ({@link Origin}).
 */
final class ProtoReader {
    /** Nesting limit for messages that are parsed (not skipped). */
    static final int MAX_DEPTH = 16;
    /** Longest string field decoded (names, op types, metadata values). */
    static final int MAX_STRING_BYTES = 16 << 20;

    static final int VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

    private final MemorySegment data;
    private final long end;
    private final int depth;
    private final Shared shared;
    private long pos;
    private int field;
    private int wireType;
    private long fieldStart;

    private ProtoReader(MemorySegment data, long start, long end, int depth, Shared shared) {
        this.data = data;
        this.pos = start;
        this.end = end;
        this.depth = depth;
        this.shared = shared;
    }

    /** A reader of the whole of {@code data} as one message, without a limit on varint-coded values. */
    static ProtoReader of(MemorySegment data) {
        return of(data, Long.MAX_VALUE);
    }

    /**
     * A reader of the whole of {@code data} as one message, decoding at most {@code maxVarints}
     * values of repeated varint fields in all (each becomes an 8-byte long: without a bound, a
     * 2 GB run of one-byte varints would ask for 16 GB).
     */
    static ProtoReader of(MemorySegment data, long maxVarints) {
        Shared shared = new Shared();
        shared.varintsLeft = maxVarints;
        shared.maxVarints = maxVarints;
        return new ProtoReader(data, 0, data.byteSize(), 0, shared);
    }

    /** What all readers of one file share: a buffer for decoding strings (one copy per string, not two), the varint budget. */
    private static final class Shared {
        long varintsLeft;
        long maxVarints;
        byte[] buffer = new byte[256];
        final java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        byte[] buffer(int n) {
            if (buffer.length < n) buffer = new byte[Math.max(n, buffer.length * 2)];
            return buffer;
        }
    }

    /** An independent reader of the rest of this message, from the current position (for a second look). */
    ProtoReader copy() {
        return new ProtoReader(data, pos, end, depth, shared);
    }

    /** The segment the reader reads (the whole file). */
    MemorySegment data() {
        return data;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) return false;
        fieldStart = pos;
        long tag = rawVarint();
        if (tag < 0 || tag > 0xFFFF_FFFFL) throw malformed("field tag " + Long.toUnsignedString(tag) + " exceeds 32 bits");
        long number = tag >>> 3;
        int wt = (int) (tag & 7);
        if (number == 0) throw malformed("field number 0");
        switch (wt) {
            case VARINT, I64, LEN, I32 -> { }
            case 3, 4 -> throw malformed("field " + number + " is a group (wire type " + wt + "), which ONNX does not use");
            default -> throw malformed("field " + number + " has invalid wire type " + wt);
        }
        field = (int) number;
        wireType = wt;
        return true;
    }

    /** The current field's number. */
    int field() {
        return field;
    }

    /** The current field's wire type. */
    int wireType() {
        return wireType;
    }

    /** Byte offset of the current field's tag in the file. */
    long fieldStart() {
        return fieldStart;
    }

    /** Skips the current field's value (any wire type). */
    void skip() {
        switch (wireType) {
            case VARINT -> rawVarint();
            case I64 -> advance(8);
            case I32 -> advance(4);
            case LEN -> advance(length());
            default -> throw new IllegalStateException("wire type " + wireType);
        }
    }

    // ---- singular fields --------------------------------------------------------------------

    /** An int64/uint64 varint field. */
    long int64(String name) {
        expect(VARINT, name);
        return rawVarint();
    }

    /** An int32 varint field: negative values are sign-extended to 64 bits on the wire; others beyond int are refused. */
    int int32(String name) {
        long fieldAt = fieldStart;
        long v = int64(name);
        if (v != (int) v) throw malformed(fieldAt, describe(name) + " = " + v + " is outside the int32 range");
        return (int) v;
    }

    /** A float (fixed32) field. */
    float float32(String name) {
        expect(I32, name);
        long at = pos;
        advance(4);
        return data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at);
    }

    /** A bytes field, as a slice of the file (no copy). */
    MemorySegment bytes(String name) {
        expect(LEN, name);
        long n = length();
        MemorySegment s = data.asSlice(pos, n);
        pos += n;
        return s;
    }

    /** A string field, strictly UTF-8. */
    String string(String name) {
        long fieldAt = fieldStart;
        MemorySegment s = bytes(name);
        return utf8(s, fieldAt, name);
    }

    /** An embedded message field, as a reader of its bytes (one level deeper). */
    ProtoReader message(String name) {
        if (depth + 1 > MAX_DEPTH) throw malformed(describe(name) + ": messages nested more than " + MAX_DEPTH + " deep");
        expect(LEN, name);
        long n = length();
        ProtoReader sub = new ProtoReader(data, pos, pos + n, depth + 1, shared);
        pos += n;
        return sub;
    }

    // ---- repeated scalar fields: packed (one length-delimited run) or one element per tag ----

    /** Adds the current repeated varint field's value(s) (int32/int64/uint64, packed or not) to {@code into}. */
    void varints(String name, LongList into) {
        if (wireType == VARINT) {
            spend(1, name);
            into.add(rawVarint());
            return;
        }
        expect(LEN, name);
        long n = length();
        long chunkEnd = pos + n;
        long count = 0;
        for (long p = pos; p < chunkEnd; p++) {
            if (data.get(ValueLayout.JAVA_BYTE, p) >= 0) count++;
        }
        if (n > 0 && data.get(ValueLayout.JAVA_BYTE, chunkEnd - 1) < 0) {
            throw malformed(describe(name) + ": packed run of " + n + " bytes ends inside a varint");
        }
        spend(count, name);
        into.reserve(count, this, name);
        ProtoReader run = new ProtoReader(data, pos, chunkEnd, depth, shared);
        while (run.pos < chunkEnd) into.add(run.rawVarint());
        pos = chunkEnd;
    }

    /** Adds the current repeated fixed32 (float) or fixed64 (double) field's bytes to {@code into}. */
    void fixed(String name, FixedList into) {
        int width = into.width();
        int single = width == 4 ? I32 : I64;
        if (wireType == single) {
            long at = pos;
            advance(width);
            into.add(data.asSlice(at, width), this, name);
            return;
        }
        expect(LEN, name);
        long n = length();
        if (n % width != 0) throw malformed(describe(name) + ": packed run of " + n + " bytes is not a multiple of " + width);
        into.add(data.asSlice(pos, n), this, name);
        pos += n;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void spend(long values, String name) {
        if (values > shared.varintsLeft) {
            throw malformed(describe(name) + ": more than " + String.format(java.util.Locale.ROOT, "%,d", shared.maxVarints)
                    + " varint-coded values in the file, the reader's limit (large tensors belong in raw_data)");
        }
        shared.varintsLeft -= values;
    }

    /** A Malformed at the current field's tag. */
    Malformed malformed(String detail) {
        return malformed(fieldStart, detail);
    }

    Malformed malformed(long at, String detail) {
        return new Malformed(detail + " (at byte " + at + ")");
    }

    private void expect(int wt, String name) {
        if (wireType != wt) {
            throw malformed(describe(name) + " has wire type " + wireType + " (" + kind(wireType) + "), expected "
                    + wt + " (" + kind(wt) + ")");
        }
    }

    private String describe(String name) {
        return "field '" + name + "' (" + field + ")";
    }

    private static String kind(int wt) {
        return switch (wt) {
            case VARINT -> "varint";
            case I64 -> "fixed64";
            case LEN -> "length-delimited";
            case I32 -> "fixed32";
            default -> "invalid";
        };
    }

    /** A length prefix, checked against the bytes left in this message. */
    private long length() {
        long at = pos;
        long n = rawVarint();
        if (n < 0 || n > end - pos) {
            throw malformed(at, "length " + Long.toUnsignedString(n) + " exceeds the " + (end - pos)
                    + " bytes left in the enclosing message");
        }
        return n;
    }

    private void advance(long n) {
        if (n > end - pos) {
            throw malformed(pos, "value of " + n + " bytes runs past the end of the enclosing message (" + (end - pos) + " bytes left)");
        }
        pos += n;
    }

    private long rawVarint() {
        long start = pos;
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= end) throw malformed(start, "the message ends inside a varint");
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift == 63 && (b & 0xFE) != 0) throw malformed(start, "varint overflows 64 bits");
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) return result;
        }
    }

    private String utf8(MemorySegment s, long fieldAt, String name) {
        long n = s.byteSize();
        if (n > MAX_STRING_BYTES) {
            throw malformed(fieldAt, describe(name) + " is a string of " + n + " bytes, more than the " + MAX_STRING_BYTES + " allowed");
        }
        int len = (int) n;
        byte[] b = shared.buffer(len);
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, b, 0, len);
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) return new String(b, 0, len, StandardCharsets.ISO_8859_1);
        try {
            return shared.utf8.reset().decode(ByteBuffer.wrap(b, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(fieldAt, describe(name) + " is not valid UTF-8");
        }
    }

    /** Malformed wire data; the message says what and at which byte. No stack trace (cheap, and never shown). */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A growable long[] for repeated varint fields. */
    static final class LongList {
        /** Values one repeated field may hold: a Java array's limit. */
        static final long MAX = Integer.MAX_VALUE - 8;
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, (int) Math.min(MAX, size * 2L));
            values[size++] = v;
        }

        /** Makes room for {@code more} values (the count of a packed run, known before decoding). */
        void reserve(long more, ProtoReader r, String name) {
            if (more > MAX - size) throw r.malformed(r.describe(name) + ": more than " + MAX + " values");
            if (size + more > values.length) values = java.util.Arrays.copyOf(values, (int) (size + more));
        }

        int size() {
            return size;
        }

        long get(int i) {
            return values[i];
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    /**
     * The bytes of a repeated fixed-width field (float: 4, double: 8), little-endian as on the
     * wire. One packed run, the usual case, stays a view of the file; several runs or unpacked
     * elements are gathered into a heap copy.
     */
    static final class FixedList {
        private final int width;
        private MemorySegment single;
        private java.io.ByteArrayOutputStream gathered;

        FixedList(int width) {
            this.width = width;
        }

        int width() {
            return width;
        }

        void add(MemorySegment run, ProtoReader r, String name) {
            if (single == null && gathered == null) {
                single = run;
                return;
            }
            if (gathered == null) {
                gathered = new java.io.ByteArrayOutputStream();
                append(single, r, name);
                single = null;
            }
            append(run, r, name);
        }

        private void append(MemorySegment run, ProtoReader r, String name) {
            if (run.byteSize() > LongList.MAX - gathered.size()) throw r.malformed(r.describe(name) + ": more than " + LongList.MAX + " bytes");
            gathered.writeBytes(run.toArray(ValueLayout.JAVA_BYTE));
        }

        /** Whether the field appeared at all (an empty packed run counts). */
        boolean present() {
            return single != null || gathered != null;
        }

        /** The elements' bytes, little-endian: a view of the file, or a heap copy when gathered from several runs. */
        MemorySegment bytes() {
            if (gathered != null) {
                single = MemorySegment.ofArray(gathered.toByteArray());
                gathered = null;
            }
            return single != null ? single : MemorySegment.ofArray(new byte[0]);
        }
    }
}
