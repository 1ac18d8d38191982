package dev.mcdrop.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON reading policy of mcdrop, for every JSON a file or a user hands it (the
 * safetensors header, the architecture JSON of {@code --arch} and of a weights file's metadata):
 * a key given twice is an error (which of the two would win is a guess), and so is anything after
 * the top-level value (a second object, a stray brace: most likely two files run together).
 * Standard JSON only: no comments, no NaN, no single quotes (Jackson's defaults). Jackson's own
 * size limits (nesting depth 1,000, strings of 20 M characters) stay in force.
 */
public final class StrictJson {
    private StrictJson() {}

    /**
     * Streaming parsers under this policy. Field names are not canonicalised: the shared name
     * table rejects hash flooding with an unchecked exception, and the names read here are few
     * and short-lived, so plain strings are simpler and as fast. A streaming reader checks for
     * trailing tokens itself ({@link #TRAILING_TOKENS} says what to call it).
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    /** Trees and values under this policy: {@link #FACTORY}'s parsers, and no tokens after the value. */
    public static final JsonMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /** How a message names text after the top-level value. */
    public static final String TRAILING_TOKENS = "unexpected text after the end of the JSON value";

    /**
     * What is wrong with the JSON, for a message: Jackson's own words (its "Duplicate field"
     * included) or {@link #TRAILING_TOKENS}, then where ("at line 3, column 7"), on one line.
     */
    public static String problem(JsonProcessingException e) {
        String what = e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                ? TRAILING_TOKENS : Names.oneLine(String.valueOf(e.getOriginalMessage()));
        if (what.length() > 300) what = what.substring(0, 300) + "…";
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : what + " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
