package dev.mcdrop.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the JSON header of a safetensors file. Nothing from the file is trusted:
 * every field is type-checked, every size is computed with overflow checks and checked against
 * the real data section, and tensors must not overlap. Any problem becomes a
 * {@link WeightsFormatException} naming the file and the tensor or field; no JSON library
 * exception escapes.
 */
record SafeTensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {

    static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * @param file         for messages only
     * @param headerBytes  the N header bytes (UTF-8 JSON, maybe padded with spaces)
     * @param dataLength   bytes in the data section, the bound for every data_offsets end
     */
    static SafeTensorsHeader parse(Path file, byte[] headerBytes, long dataLength)
            throws WeightsFormatException {
        JsonNode root = parseJson(file, headerBytes);
        if (!root.isObject()) {
            throw WeightsFormatException.of(file,
                    "header is JSON " + root.getNodeType().name().toLowerCase() + ", expected an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                parseMetadata(file, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), parseTensor(file, e.getKey(), e.getValue(), dataLength));
            }
        }
        checkNoOverlap(file, tensors.values());
        return new SafeTensorsHeader(Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors));
    }

    private static JsonNode parseJson(Path file, byte[] headerBytes) throws WeightsFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw WeightsFormatException.of(file, "header is not valid UTF-8", e);
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw WeightsFormatException.of(file, "header is empty, expected a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw WeightsFormatException.of(file,
                    "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> out)
            throws WeightsFormatException {
        if (!node.isObject()) {
            throw WeightsFormatException.of(file,
                    METADATA_KEY + " must be an object of strings, found " + kind(node));
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw WeightsFormatException.of(file, METADATA_KEY + " entry "
                        + WeightsFormatException.quote(m.getKey())
                        + ": value must be a string, found " + kind(m.getValue()));
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataLength)
            throws WeightsFormatException {
        if (!node.isObject()) {
            throw WeightsFormatException.ofTensor(file, name, "entry must be an object, found " + kind(node));
        }
        DType dtype = parseDType(file, name, node.get("dtype"));
        long[] shape = parseLongArray(file, name, "shape", node.get("shape"));
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
                        "shape " + java.util.Arrays.toString(shape) + " has too many elements (overflow)");
            }
        }
        long[] offsets = parseLongArray(file, name, "data_offsets", node.get("data_offsets"));
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
                    "shape " + java.util.Arrays.toString(shape) + " is too large in bytes (overflow)");
        }
        if (end - begin != expectedBytes) {
            throw WeightsFormatException.ofTensor(file, name, range + " hold " + (end - begin)
                    + " bytes, but shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expectedBytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static DType parseDType(Path file, String name, JsonNode node) throws WeightsFormatException {
        if (node == null) throw WeightsFormatException.ofTensor(file, name, "missing field 'dtype'");
        if (!node.isTextual()) {
            throw WeightsFormatException.ofTensor(file, name, "dtype must be a string, found " + kind(node));
        }
        String text = node.textValue();
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

    /** A JSON array of integers that fit a long; floats, strings, huge numbers are rejected. */
    private static long[] parseLongArray(Path file, String name, String field, JsonNode node)
            throws WeightsFormatException {
        if (node == null) throw WeightsFormatException.ofTensor(file, name, "missing field '" + field + "'");
        if (!node.isArray()) {
            throw WeightsFormatException.ofTensor(file, name,
                    field + " must be an array of integers, found " + kind(node));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                String shown = v.isNumber() ? v.asText() : kind(v);
                throw WeightsFormatException.ofTensor(file, name,
                        field + "[" + i + "] must be an integer within 64 bits, found " + shown);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** Rejects any two non-empty tensors sharing a byte; empty tensors occupy no bytes. */
    private static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors) throws WeightsFormatException {
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

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }
}
