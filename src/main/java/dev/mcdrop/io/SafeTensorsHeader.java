package dev.mcdrop.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the JSON header of a safetensors file. Nothing from the file is trusted: the header is
 * read token by token (no JSON tree, so memory stays proportional to what is kept), every field
 * is type-checked, entry counts and ranks are capped, and each tensor is validated by
 * {@link TensorEntryValidator}. Any problem becomes a {@link WeightsFormatException} naming the
 * file and the tensor or field; no Jackson exception escapes.
 */
record SafeTensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {

    static final String METADATA_KEY = "__metadata__";
    /** Tensors plus metadata entries; real models have thousands, a hostile header millions. */
    static final int MAX_ENTRIES = 1_000_000;
    /** Dimensions per tensor; far beyond any real tensor, small enough to bound memory. */
    static final int MAX_RANK = 1024;

    private static final int MAX_MESSAGE_DETAIL = 300;

    /** mcdrop's one JSON policy (duplicate keys refused); trailing text is checked below. */
    private static final JsonFactory JSON = StrictJson.FACTORY;

    /**
     * @param file         for messages only
     * @param headerBytes  the N header bytes (UTF-8 JSON, maybe padded with spaces)
     * @param dataLength   bytes in the data section, the bound for every data_offsets end
     */
    static SafeTensorsHeader parse(Path file, byte[] headerBytes, long dataLength)
            throws WeightsFormatException {
        String text = decodeUtf8(file, headerBytes);
        try (JsonParser p = JSON.createParser(text)) {
            return read(new HeaderTokens(file, p), dataLength);
        } catch (WeightsFormatException e) {
            throw e;
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " (at header line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw WeightsFormatException.of(file, "header is not valid JSON: " + cut(e.getOriginalMessage()) + where, e);
        } catch (IOException | RuntimeException e) { // a parser limit reported otherwise: still the file's fault
            throw WeightsFormatException.of(file, "header is not valid JSON: " + cut(String.valueOf(e)), e);
        }
    }

    private static String decodeUtf8(Path file, byte[] headerBytes) throws WeightsFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw WeightsFormatException.of(file, "header is not valid UTF-8", e);
        }
    }

    private static SafeTensorsHeader read(HeaderTokens in, long dataLength) throws IOException {
        Path file = in.file();
        JsonToken t = in.next();
        if (t != JsonToken.START_OBJECT) {
            throw WeightsFormatException.of(file, t == null ? "header is empty, expected a JSON object"
                    : "header is JSON " + HeaderTokens.kind(t) + ", expected an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        while (in.next() == JsonToken.FIELD_NAME) {
            String key = in.name();
            JsonToken value = in.next();
            if (key.equals(METADATA_KEY)) {
                readMetadata(in, value, metadata, tensors.size());
            } else {
                tensors.put(key, TensorEntryValidator.read(in, key, value, dataLength));
                checkEntryCount(file, metadata.size() + tensors.size());
            }
        }
        if (in.next() != null) {
            throw WeightsFormatException.of(file, "header has content after the JSON object");
        }
        TensorEntryValidator.checkNoOverlap(file, tensors.values());
        return new SafeTensorsHeader(Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors));
    }

    private static void readMetadata(HeaderTokens in, JsonToken value, Map<String, String> out,
            int tensorCount) throws IOException {
        Path file = in.file();
        if (value != JsonToken.START_OBJECT) {
            throw WeightsFormatException.of(file,
                    METADATA_KEY + " must be an object of strings, found " + HeaderTokens.kind(value));
        }
        while (in.next() == JsonToken.FIELD_NAME) {
            String key = in.name();
            JsonToken v = in.next();
            if (v != JsonToken.VALUE_STRING) {
                throw WeightsFormatException.of(file, METADATA_KEY + " entry " + WeightsFormatException.quote(key)
                        + ": value must be a string, found " + HeaderTokens.kind(v));
            }
            out.put(key, in.text());
            checkEntryCount(file, out.size() + tensorCount);
        }
    }

    private static void checkEntryCount(Path file, int entries) throws WeightsFormatException {
        if (entries > MAX_ENTRIES) {
            throw WeightsFormatException.of(file, "header has more than " + MAX_ENTRIES + " entries");
        }
    }

    /**
     * Parser messages quote the hostile input ("Unrecognized token 'N\u0000…'"): control characters
     * escaped ({@link Names}) and the length kept readable.
     */
    static String cut(String s) {
        return s == null ? "" : Names.display(s, MAX_MESSAGE_DETAIL);
    }
}
