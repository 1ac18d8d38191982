package dev.mcdrop.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Shared pieces of the fuzz harnesses in this package: a scratch directory for the parsers that
 * read files (one per JVM, removed at exit), and the check every rejection must pass: the
 * project's rule is one clear line naming the file, so a format exception whose message is
 * missing, does not name the file, or carries a line break or other control character (which
 * would forge extra "mcdrop:" lines or reach the terminal) is a finding too.
 */
final class FuzzSupport {
    private FuzzSupport() {}

    private static final Path SCRATCH = createScratch();

    private static Path createScratch() {
        try {
            Path shm = Path.of("/dev/shm"); // memory-backed where there is one: most inputs are written to a file
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "mcdrop-fuzz") : Files.createTempDirectory("mcdrop-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to the scratch file {@code name} (replacing the previous input) and returns it. */
    static Path write(String name, byte[] bytes) {
        Path file = SCRATCH.resolve(name);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * {@code -Dmcdrop.fuzz.messages=lenient} (scripts/fuzz.sh: FUZZ_LENIENT_MESSAGES=1) skips the
     * control-character check, so that while a known unescaped message is being fixed a fuzzing run
     * can still look for crashes behind it. Plain test runs are always strict.
     */
    private static final boolean LENIENT = "lenient".equals(System.getProperty("mcdrop.fuzz.messages"));

    /** Fails (a finding) unless {@code e}'s message is one printable line that names {@code source}. */
    static void assertCleanMessage(Throwable e, String source) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) throw new AssertionError("rejection without a message", e);
        if (!m.contains(source)) throw new AssertionError("message does not name " + source + ": " + escape(m), e);
        for (int i = 0; i < m.length() && !LENIENT; i++) {
            char c = m.charAt(i);
            if (Character.isISOControl(c)) { // C0 (line breaks, ESC), DEL and C1 (e.g. the 8-bit CSI)
                throw new AssertionError("message holds control character U+" + String.format("%04X", (int) c)
                        + " at " + i + ": " + escape(m), e);
            }
        }
    }

    /** The message with control characters escaped, cut to a readable length, for a finding's report. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 400; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return s.length() > 400 ? sb + "..." : sb.toString();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
