package dev.mcdrop.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One-line, human descriptions of the failures a user can cause or meet. */
final class Errors {
    private Errors() {}

    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) return "file not found: " + n.getFile();
        if (e instanceof AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof FileNotFoundException f) return f.getMessage();
        if (e instanceof OutOfMemoryError) {
            return "out of Java heap memory; lower --batch or --memory, or raise -Xmx (JAVA_OPTS)";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        return m;
    }
}
