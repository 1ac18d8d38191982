package dev.mcdrop.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes float tensors as a safetensors file (F32, little-endian) readable by Hugging Face
 * safetensors and by {@link SafeTensorsFile}. The header is padded with spaces so the data
 * section starts 8-byte aligned; tensors follow contiguously in the given order. The file is
 * written through {@link AtomicFile} (a temporary sibling moved into place), so a crash never
 * leaves a half-written weights file under the real name.
 */
public final class SafeTensorsWriter {

    private static final JsonMapper JSON = new JsonMapper();
    private static final int CHUNK_FLOATS = 1 << 16;

    private SafeTensorsWriter() {}

    /**
     * @param metadata string pairs stored as {@code __metadata__} (in iteration order); null or
     *                 empty writes none
     * @throws IllegalArgumentException on a duplicate or reserved name, a negative dimension, or
     *                                  data whose length differs from the shape's product
     */
    public static void write(Path path, Map<String, String> metadata, List<NamedTensor> tensors)
            throws IOException {
        byte[] header = headerBytes(metadata, tensors);
        try (AtomicFile file = AtomicFile.create(path)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            len.putLong(header.length).flip();
            file.write(len);
            file.write(ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (NamedTensor t : tensors) writeFloats(file, buf, t.data());
            file.commit();
        }
    }

    /** The JSON header, space-padded so that 8 + its length is a multiple of 8. */
    static byte[] headerBytes(Map<String, String> metadata, List<NamedTensor> tensors) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, () -> "metadata value of '" + k + "'")));
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (NamedTensor t : tensors) {
            checkTensor(t, seen);
            long end = offset + (long) t.data().length * Float.BYTES;
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", DType.F32.name());
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise safetensors header", e);
        }
        int padded = (json.length + 7) & ~7; // 8 + padded is then 8-byte aligned
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void checkTensor(NamedTensor t, Set<String> seen) {
        Objects.requireNonNull(t, "tensor");
        Objects.requireNonNull(t.name(), "tensor name");
        Objects.requireNonNull(t.shape(), () -> "shape of tensor '" + t.name() + "'");
        Objects.requireNonNull(t.data(), () -> "data of tensor '" + t.name() + "'");
        if (t.name().equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor name '" + SafeTensorsHeader.METADATA_KEY + "' is reserved");
        }
        if (!seen.add(t.name())) {
            throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
        }
        long product = t.shapeProduct();
        if (product != t.data().length) {
            throw new IllegalArgumentException("tensor '" + t.name() + "': shape "
                    + java.util.Arrays.toString(t.shape()) + " does not match " + t.data().length + " values");
        }
    }

    private static void writeFloats(AtomicFile file, ByteBuffer buf, float[] data) throws IOException {
        for (int i = 0; i < data.length; i += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - i);
            buf.clear();
            buf.asFloatBuffer().put(data, i, n);
            buf.limit(n * Float.BYTES);
            file.write(buf);
        }
    }
}
