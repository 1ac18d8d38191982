package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.io.Names;

/** Test helper: the project's rule for a failure's stderr — exactly one line, "mcdrop: …", no control characters, bounded. */
final class OneLine {
    private OneLine() {}

    /** Asserts {@code r} exited with {@code exit} and its stderr is one clean line holding every one of {@code parts}. */
    static String assertOneLine(CliTest.Run r, int exit, String... parts) {
        String err = r.err();
        assertEquals(exit, r.exit(), "exit code; stderr: " + cut(err));
        assertTrue(err.startsWith("mcdrop: "), "starts with 'mcdrop: ': " + cut(err));
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "exactly one line: " + cut(err));
        String line = err.substring(0, err.length() - 1);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            assertTrue(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0), "control character " + (int) c + " at " + i + ": " + cut(err));
        }
        assertTrue(line.length() <= Names.MAX_LINE + 200, "bounded: " + line.length() + " chars");
        for (String p : parts) assertTrue(line.contains(p), "'" + p + "' in: " + cut(err));
        return line;
    }

    static String cut(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "… (" + s.length() + " chars)";
    }
}
