package dev.mcdrop.data;

import java.io.IOException;

/**
 * A data file exists and could be read, but its contents are not what its format promises (bad
 * magic number, truncated pixels, a label out of range, ...). The message always names the file
 * and the offending field, so a user can tell which download is broken without a debugger.
 */
public class DataFormatException extends IOException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
