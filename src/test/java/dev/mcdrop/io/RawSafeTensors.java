package dev.mcdrop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Test helper: builds safetensors files byte by byte (length, header, data) without going
 * through {@link SafeTensorsWriter}, so tests can lay out exactly what another tool, or an
 * attacker, would write.
 */
final class RawSafeTensors {

    private RawSafeTensors() {}

    /** 8-byte little-endian {@code headerLength}, then {@code rest} verbatim. */
    static byte[] withLength(long headerLength, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(rest);
        return b.array();
    }

    /** A well-framed file: correct length field, the header bytes, then the data. */
    static byte[] file(byte[] header, byte[] data) {
        return withLength(header.length, concat(header, data));
    }

    static byte[] file(String headerJson, byte[] data) {
        return file(headerJson.getBytes(StandardCharsets.UTF_8), data);
    }

    /** Single quotes become double quotes, to keep JSON in Java strings readable. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Opens the file and touches everything a caller could: metadata, every tensor, all reads. */
    static void openAndReadAll(Path p) throws WeightsFormatException {
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            f.metadata().forEach((k, v) -> { });
            for (String name : f.names()) {
                TensorInfo t = f.info(name);
                f.segment(name);
                f.allFinite(name);
                if (t.elementCount() < 50_000_000) f.readFloats(name);
            }
        }
    }
}
