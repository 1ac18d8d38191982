package dev.mcdrop.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test-side protobuf wire-format writer, written from the encoding spec
 * (https://protobuf.dev/programming-guides/encoding/) independently of {@link ProtoReader}: it
 * builds the valid and the hostile files the tests read. Methods append one field and return
 * this; {@link #raw} appends arbitrary bytes (for broken encodings).
 */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtoWriter varint(int field, long value) {
        tag(field, 0);
        writeVarint(out, value);
        return this;
    }

    public ProtoWriter fixed32(int field, float value) {
        tag(field, 5);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
        return this;
    }

    public ProtoWriter fixed64(int field, double value) {
        tag(field, 1);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
        return this;
    }

    public ProtoWriter bytes(int field, byte[] value) {
        tag(field, 2);
        writeVarint(out, value.length);
        out.writeBytes(value);
        return this;
    }

    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    public ProtoWriter packedVarints(int field, long... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long v : values) writeVarint(b, v);
        return bytes(field, b.toByteArray());
    }

    public ProtoWriter packedFloats(int field, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return bytes(field, b.array());
    }

    public ProtoWriter packedDoubles(int field, double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return bytes(field, b.array());
    }

    /** A tag with any wire type (including invalid ones). */
    public ProtoWriter tag(int field, int wireType) {
        writeVarint(out, ((long) field << 3) | wireType);
        return this;
    }

    public ProtoWriter raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    public int size() {
        return out.size();
    }

    /** The varint encoding of {@code v} (two's complement for negatives: 10 bytes). */
    public static byte[] varintBytes(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeVarint(b, v);
        return b.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }
}
