package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The wire-format reader alone: encodings from the protobuf documentation as fixed points (150 is
 * 96 01, -1 as int32 is ten bytes), random round trips through the independently written
 * {@link ProtoWriter}, and each malformation it must refuse with a clear message.
 */
class ProtoReaderTest {

    private static ProtoReader reader(byte[] b) {
        return ProtoReader.of(MemorySegment.ofArray(b));
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static long firstVarint(byte[] b) {
        ProtoReader r = reader(b);
        assertTrue(r.next());
        return r.int64("v");
    }

    private static String malformed(byte[] b, java.util.function.Consumer<ProtoReader> read) {
        ProtoReader r = reader(b);
        return assertThrows(ProtoReader.Malformed.class, () -> {
            while (r.next()) read.accept(r);
        }).getMessage();
    }

    @Test
    void varintsFromTheProtobufDocumentation() {
        assertEquals(150, firstVarint(hex("08 96 01")));
        assertEquals(1, firstVarint(hex("08 01")));
        assertEquals(300, firstVarint(hex("08 ac 02")));
        assertEquals(-1, firstVarint(hex("08 ff ff ff ff ff ff ff ff ff 01")));
        assertEquals(Long.MIN_VALUE, firstVarint(hex("08 80 80 80 80 80 80 80 80 80 01")));
        assertEquals(Long.MAX_VALUE, firstVarint(hex("08 ff ff ff ff ff ff ff ff 7f")));
        ProtoReader r = reader(hex("08 ff ff ff ff ff ff ff ff ff 01"));
        assertTrue(r.next());
        assertEquals(-1, r.int32("i"), "a negative int32 is sign-extended to ten bytes");
    }

    @Test
    void randomValuesRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int i = 0; i < 2000; i++) {
            long v = switch (i % 4) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextLong(1L << rnd.nextInt(1, 63));
                case 2 -> -rnd.nextLong(1000);
                default -> rnd.nextInt(128);
            };
            float f = Float.intBitsToFloat(rnd.nextInt());
            double d = Double.longBitsToDouble(rnd.nextLong());
            String s = "n" + v + "é→𝄞";
            ProtoReader r = reader(new ProtoWriter().varint(1, v).fixed32(2, f).fixed64(3, d).string(4, s).toByteArray());
            assertTrue(r.next());
            assertEquals(v, r.int64("v"));
            assertTrue(r.next());
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(r.float32("f")));
            assertTrue(r.next());
            ProtoReader.FixedList one = new ProtoReader.FixedList(8);
            r.fixed("d", one);
            assertEquals(Double.doubleToRawLongBits(d), one.bytes().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            assertTrue(r.next());
            assertEquals(s, r.string("s"));
            assertFalse(r.next());
        }
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        byte[] b = new ProtoWriter().varint(99, 1L << 60).fixed64(98, 2.5).string(97, "skip me").fixed32(96, 1f)
                .message(95, new ProtoWriter().varint(1, 1).tag(1, 7)) // garbage inside is never looked at
                .string(1, "kept").toByteArray();
        ProtoReader r = reader(b);
        String kept = null;
        while (r.next()) {
            if (r.field() == 1) kept = r.string("name");
            else r.skip();
        }
        assertEquals("kept", kept);
    }

    @Test
    void packedAndUnpackedRepeatedScalarsConcatenate() {
        byte[] b = new ProtoWriter().packedVarints(8, 1, 2).varint(8, 3).packedVarints(8, -4, 1L << 40).packedVarints(8).toByteArray();
        ProtoReader r = reader(b);
        ProtoReader.LongList ints = new ProtoReader.LongList();
        while (r.next()) r.varints("ints", ints);
        assertArrayEquals(new long[] {1, 2, 3, -4, 1L << 40}, ints.toArray());

        byte[] f = new ProtoWriter().packedFloats(7, 1f, 2f).fixed32(7, 3f).packedFloats(7, 4f).toByteArray();
        ProtoReader rf = reader(f);
        ProtoReader.FixedList floats = new ProtoReader.FixedList(4);
        while (rf.next()) rf.fixed("floats", floats);
        assertArrayEquals(new float[] {1, 2, 3, 4}, floats.bytes().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
    }

    @Test
    void onePackedRunIsAViewNotACopy() {
        byte[] f = new ProtoWriter().packedFloats(4, 1f, 2f, 3f).toByteArray();
        ProtoReader r = reader(f);
        ProtoReader.FixedList floats = new ProtoReader.FixedList(4);
        assertTrue(r.next());
        r.fixed("float_data", floats);
        MemorySegment view = floats.bytes();
        assertSame(f, view.heapBase().orElseThrow(), "the run is a slice of the input");
        assertEquals(12, view.byteSize());
    }

    @Test
    void varintOverflowAndTruncationAreRefused() {
        assertTrue(malformed(hex("08 ff ff ff ff ff ff ff ff ff 02"), r -> r.int64("v")).contains("overflows 64 bits"));
        assertTrue(malformed(hex("08 ff ff ff ff ff ff ff ff ff ff 01"), r -> r.int64("v")).contains("overflows 64 bits"));
        assertTrue(malformed(hex("08 96"), r -> r.int64("v")).contains("ends inside a varint"));
        assertTrue(malformed(hex("08 80 80 80 80 10"), r -> r.int32("v")).contains("outside the int32 range"));
        assertTrue(malformed(hex("ff ff ff ff ff 01"), r -> r.skip()).contains("exceeds 32 bits"));
    }

    @Test
    void lengthsAreCheckedAgainstTheEnclosingMessage() {
        assertTrue(malformed(hex("0a 0a 61 62 63"), r -> r.string("name"))
                .contains("length 10 exceeds the 3 bytes left in the enclosing message (at byte 1)"));
        assertTrue(malformed(hex("0a ff ff ff ff ff ff ff ff 7f"), r -> r.skip()).contains("exceeds the 0 bytes left"));
        // a sub-message claims 5 bytes of its 2: refused although the file has them
        byte[] nested = hex("0a 02 0a 05 61 62 63 64 65");
        ProtoReader r = reader(nested);
        assertTrue(r.next());
        ProtoReader sub = r.message("graph");
        assertTrue(sub.next());
        assertThrows(ProtoReader.Malformed.class, () -> sub.string("name"));
        assertTrue(malformed(hex("0d 00 00"), x -> x.skip()).contains("runs past the end"));
        assertTrue(malformed(hex("3a 03 01 02 80"), x -> x.varints("ints", new ProtoReader.LongList())).contains("ends inside a varint"));
        assertTrue(malformed(hex("3a 03 01 02 03"), x -> x.fixed("floats", new ProtoReader.FixedList(4))).contains("not a multiple of 4"));
    }

    @Test
    void groupsInvalidWireTypesFieldZeroAndWrongKindsAreRefused() {
        assertTrue(malformed(hex("0b 0c"), r -> r.skip()).contains("group (wire type 3)"));
        assertTrue(malformed(hex("0c"), r -> r.skip()).contains("group (wire type 4)"));
        assertTrue(malformed(hex("0e 00"), r -> r.skip()).contains("invalid wire type 6"));
        assertTrue(malformed(hex("00 00"), r -> r.skip()).contains("field number 0"));
        assertEquals("field 'name' (1) has wire type 0 (varint), expected 2 (length-delimited) (at byte 0)",
                malformed(hex("08 01"), r -> r.string("name")));
    }

    @Test
    void invalidUtf8IsRefusedValidUtf8Decoded() {
        assertTrue(malformed(hex("0a 02 c3 28"), r -> r.string("name")).contains("not valid UTF-8"));
        assertTrue(malformed(hex("0a 01 ff"), r -> r.string("name")).contains("not valid UTF-8"));
        ProtoReader r = reader(new ProtoWriter().string(1, "Ünïcødé ✓").toByteArray());
        assertTrue(r.next());
        assertEquals("Ünïcødé ✓", r.string("name"));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        ProtoWriter inner = new ProtoWriter().varint(1, 1);
        for (int i = 0; i < ProtoReader.MAX_DEPTH + 1; i++) inner = new ProtoWriter().message(1, inner);
        ProtoReader r = reader(inner.toByteArray());
        int depth = 0;
        try {
            while (r.next() && r.wireType() == ProtoReader.LEN) {
                r = r.message("m");
                depth++;
            }
            throw new AssertionError("read " + depth + " levels");
        } catch (ProtoReader.Malformed e) {
            assertEquals(ProtoReader.MAX_DEPTH, depth);
            assertTrue(e.getMessage().contains("nested more than " + ProtoReader.MAX_DEPTH + " deep"), e.getMessage());
        }
    }
}
