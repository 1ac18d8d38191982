package dev.mcdrop.cli;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One-line, human descriptions of the failures a user can cause or meet. A file system error
 * keeps its reason ({@code path: reason}). Files an option names are checked before they are
 * read ({@link dev.mcdrop.io.InputFiles}: kind, size, UTF-8), and its refusals name the option.
 */
final class Errors {
    private Errors() {}

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null
                && (u.getMessage() == null || u.getMessage().equals(u.getCause().toString()))) {
            return describe(u.getCause());
        }
        if (e instanceof dev.mcdrop.io.InputFiles.RefusedException r) return r.getMessage(); // names the option too
        if (e instanceof FileSystemException f) return describe(f);
        if (e instanceof FileNotFoundException f) return f.getMessage();
        if (e instanceof CharacterCodingException) return "not UTF-8 text";
        if (e instanceof OutOfMemoryError) {
            return "out of Java heap memory; lower --batch or --memory, or raise -Xmx (JAVA_OPTS)";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        return m;
    }

    /** "path: reason", with a reason in words when the JDK gave none (FileAlreadyExistsException: just the path). */
    private static String describe(FileSystemException e) {
        String reason = e.getReason();
        if (e.getFile() == null) return reason != null ? reason : e.getClass().getSimpleName();
        if (reason == null || reason.isBlank()) {
            if (e instanceof NoSuchFileException) return "file not found: " + e.getFile();
            if (e instanceof AccessDeniedException) return "permission denied: " + e.getFile();
            reason = switch (e) {
                case FileAlreadyExistsException x -> "exists already";
                case NotDirectoryException x -> "is not a directory";
                case DirectoryNotEmptyException x -> "is a directory that is not empty";
                default -> "cannot be used (" + e.getClass().getSimpleName() + ")";
            };
        }
        return e.getFile() + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": " + reason;
    }
}
