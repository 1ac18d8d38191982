package dev.mcdrop.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * The one check every reader of a user's file makes before opening it. Opening a FIFO blocks until
 * some other process writes to it, a device such as /dev/zero never ends, and a directory cannot
 * be read as a file (the JVM then says "No such device" or "Is a directory"), so a file must be a
 * regular file (symbolic links followed), and a text file is read up to a stated size only. The
 * refusal is a {@link RefusedException} whose message names the option (when the caller gives
 * one), the file, and what it is instead: {@code --model models/: is a directory, not a file}.
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * Checks that {@code file} is a regular file and returns its size. {@code option} (e.g.
     * "--model") starts the message; null when the caller is not an option.
     */
    public static long requireRegularFile(Path file, String option) throws IOException {
        BasicFileAttributes a = attributes(file, option);
        if (!a.isRegularFile()) throw refused(file, option, kind(file, a) + ", not a file");
        return a.size();
    }

    /** Checks that {@code path} is a regular file or a directory; returns true for a directory. */
    public static boolean requireFileOrDirectory(Path path, String option) throws IOException {
        BasicFileAttributes a = attributes(path, option);
        if (!a.isRegularFile() && !a.isDirectory()) throw refused(path, option, kind(path, a) + ", not a file or a directory");
        return a.isDirectory();
    }

    /** Checks that {@code dir} is a directory (symbolic links followed): a data folder, not a file, FIFO or device. */
    public static void requireDirectory(Path dir, String option) throws IOException {
        BasicFileAttributes a = attributes(dir, option);
        if (!a.isDirectory()) throw refused(dir, option, kind(dir, a) + ", not a directory");
    }

    /**
     * The UTF-8 text of a regular file of at most {@code maxBytes} bytes; a larger file is refused
     * unread, and malformed UTF-8 is refused with the byte offset where it starts.
     */
    public static String readText(Path file, String option, long maxBytes) throws IOException {
        long size = requireRegularFile(file, option);
        if (size > maxBytes) throw refused(file, option, "is " + mib(size) + ", more than the " + mib(maxBytes) + " allowed");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)); // the file may have grown
        }
        if (bytes.length > maxBytes) throw refused(file, option, "grew past the " + mib(maxBytes) + " allowed while being read");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw refused(file, option, "is not UTF-8 text (invalid byte at offset " + firstInvalidUtf8(bytes) + ")");
        }
    }

    private static BasicFileAttributes attributes(Path file, String option) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class); // NoSuchFileException, AccessDeniedException name the file
    }

    /** What a non-regular file is, in words: "is a directory", "is a FIFO (named pipe)", "is a character device". */
    private static String kind(Path file, BasicFileAttributes a) {
        if (a.isDirectory()) return "is a directory";
        if (a.isRegularFile()) return "is a regular file";
        try {
            Object mode = Files.getAttribute(file, "unix:mode");
            if (mode instanceof Integer m) {
                switch (m & 0xF000) {
                    case 0x1000: return "is a FIFO (named pipe)";
                    case 0x2000: return "is a character device";
                    case 0x6000: return "is a block device";
                    case 0xC000: return "is a socket";
                    default: break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: say what is known
        }
        return "is a special file (a device, pipe or socket)";
    }

    /** A user's file refused before it was opened; the message names the option (if any), the file and the reason. */
    public static final class RefusedException extends FileSystemException {
        private final String option;

        RefusedException(Path file, String option, String reason) {
            super(file.toString(), null, reason);
            this.option = option;
        }

        @Override
        public String getMessage() {
            return (option == null ? "" : option + " ") + getFile() + ": " + getReason();
        }
    }

    private static RefusedException refused(Path file, String option, String reason) {
        return new RefusedException(file, option, reason);
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static long firstInvalidUtf8(byte[] b) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        var out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            var r = decoder.decode(in, out, true);
            if (r.isError()) return in.position();
            if (r.isUnderflow()) return b.length;
            out.clear();
        }
    }
}
