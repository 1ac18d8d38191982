package dev.mcdrop.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Write errors on stdout are failures. {@link System#out} is a {@link PrintStream}, which swallows
 * them (a full disk, a closed pipe) and only sets a flag; {@link Main} asks {@link #failure} after
 * every command, so each command that prints results ({@code eval}, {@code info}, {@code bench},
 * {@code --help}, …) exits 1 with one line instead of 0 with its output lost. {@link #install}
 * (the real process only) puts a stdout in place that also remembers why the write failed.
 */
final class Stdout {
    private Stdout() {}

    private static PrintStream installed;
    private static Recording recording;

    /** Replaces {@link System#out} by an equivalent that keeps the reason of its first write error. */
    static void install() {
        recording = new Recording(new FileOutputStream(FileDescriptor.out));
        installed = new PrintStream(new java.io.BufferedOutputStream(recording, 1 << 13), true, System.out.charset());
        System.setOut(installed);
    }

    /** Null when everything printed so far reached stdout, else what to tell the user. */
    static String failure() {
        return failed() ? "cannot write to stdout" + reason() : null;
    }

    /** Whether a write to stdout has failed (flushes it first). */
    static boolean failed() { return System.out.checkError(); }

    /** ": why" of the first failed write when it is known, else "". */
    static String reason() {
        String why = System.out == installed ? recording.reason() : null;
        return why != null ? ": " + why : "";
    }

    /** An output stream that remembers the message of the first exception a write or flush threw. */
    static final class Recording extends FilterOutputStream {
        private volatile String reason;

        Recording(OutputStream out) { super(out); }

        String reason() { return reason; }

        @Override public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        private IOException remember(IOException e) {
            if (reason == null) reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return e;
        }
    }
}
