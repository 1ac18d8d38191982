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

    /** Quotes a name from the file for a message: control characters escaped, long names shortened ({@link Names#quote}). */
    public static String quote(String name) {
        return Names.quote(name);
    }
}
