package dev.mcdrop.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A streaming Jackson parser over a safetensors header, plus the file it came from, with the few
 * typed reads the header needs (integer arrays) and token names for error messages.
 */
record HeaderTokens(Path file, JsonParser parser) {

    JsonToken next() throws IOException {
        return parser.nextToken();
    }

    String name() throws IOException {
        return parser.currentName();
    }

    String text() throws IOException {
        return parser.getText();
    }

    /** Skips the value just read, including any nested object or array. */
    void skipValue() throws IOException {
        parser.skipChildren();
    }

    /**
     * Reads the array starting at {@code first} as 64-bit integers, at most {@code max} of them.
     * Floats, strings, nulls and integers beyond 64 bits are rejected, naming tensor and field.
     */
    long[] readLongs(String tensor, String field, JsonToken first, int max) throws IOException {
        if (first != JsonToken.START_ARRAY) {
            throw WeightsFormatException.ofTensor(file, tensor,
                    field + " must be an array of integers, found " + kind(first));
        }
        long[] out = new long[4];
        int n = 0;
        JsonToken t;
        while ((t = next()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                String shown = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
                        ? SafeTensorsHeader.cut(parser.getText()) : kind(t);
                throw WeightsFormatException.ofTensor(file, tensor,
                        field + "[" + n + "] must be an integer within 64 bits, found " + shown);
            }
            if (n == max) {
                throw WeightsFormatException.ofTensor(file, tensor,
                        field + " has more than " + max + " entries");
            }
            if (n == out.length) out = Arrays.copyOf(out, 2 * n);
            out[n++] = parser.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }

    /** A token as a JSON type name for messages: object, array, string, number, ... */
    static String kind(JsonToken t) {
        if (t == null) return "end of header";
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }
}
