package dev.mcdrop.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weights file that cannot be trusted: truncated, malformed header, bad tensor entry, etc.
 * Every message starts with the file, then names the tensor or field at fault, so a user can fix
 * the right file without a debugger, e.g.
 * {@code models/x.safetensors: tensor 'conv1.weight': data_offsets [0, 4000) exceed the data
 * section (3000 bytes)}.
 */
public final class WeightsFormatException extends IOException {

    /** Names longer than this are cut in messages, so a hostile 100 MB name cannot flood logs. */
    private static final int MAX_NAME_CHARS = 200;

    public WeightsFormatException(String message) {
        super(message);
    }

    public WeightsFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code file: detail}. */
    static WeightsFormatException of(Path file, String detail) {
        return new WeightsFormatException(file + ": " + detail);
    }

    static WeightsFormatException of(Path file, String detail, Throwable cause) {
        return new WeightsFormatException(file + ": " + detail, cause);
    }

    /** {@code file: tensor 'name': detail}. */
    static WeightsFormatException ofTensor(Path file, String tensor, String detail) {
        return new WeightsFormatException(file + ": tensor " + quote(tensor) + ": " + detail);
    }

    /** Quotes a name from the file for a message: control characters escaped, long names cut. */
    public static String quote(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME_CHARS) + 8).append('\'');
        int n = Math.min(name.length(), MAX_NAME_CHARS);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        if (name.length() > MAX_NAME_CHARS) sb.append("...(").append(name.length()).append(" chars)");
        return sb.append('\'').toString();
    }
}
