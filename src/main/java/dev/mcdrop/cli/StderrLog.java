package dev.mcdrop.cli;

import dev.mcdrop.io.Names;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The CLI's {@link System.Logger} for the library (backend choice, experiment progress): INFO and
 * above as one line on stderr, {@code mcdrop: <message>}, warnings and errors as
 * {@code mcdrop: warning: <message>} (made one line: {@link Names#oneLine}); DEBUG and TRACE dropped. Looks up System.err at each line,
 * so a caller that redirects it (the tests) gets the lines.
 *
 * <p>{@link #HELD} is for what is said while a backend opens ("backend cpu, 2 threads (CUDA
 * unavailable: …)"): its lines wait until the run has passed its checks and starts work ({@link
 * #release}: the first progress line, any later log line, or the command's success), and are
 * dropped when the command fails first, so a refusal (a memory budget too small, a resume key
 * that differs) is the only line on stderr.
 */
final class StderrLog implements System.Logger {
    static final StderrLog INSTANCE = new StderrLog(false);
    /** Lines held back until {@link #release}; see the class comment. */
    static final StderrLog HELD = new StderrLog(true);

    private static final java.util.List<String> pending = new java.util.ArrayList<>();
    private final boolean hold;

    private StderrLog(boolean hold) { this.hold = hold; }

    /** Prints the held lines, in order (the run starts work). */
    static void release() {
        synchronized (pending) {
            for (String line : pending) System.err.println(line);
            pending.clear();
        }
    }

    /** Drops the held lines (the command failed before it started work, or a new command begins). */
    static void discard() {
        synchronized (pending) { pending.clear(); }
    }

    @Override public String getName() { return "mcdrop"; }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && level.getSeverity() >= Level.INFO.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        print(level, thrown == null ? msg : msg + ": " + Errors.describe(thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        print(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }

    private void print(Level level, String message) {
        if (!isLoggable(level)) return;
        boolean warning = level.getSeverity() >= Level.WARNING.getSeverity();
        String line = "mcdrop: " + (warning ? "warning: " : "") + Names.oneLine(message);
        synchronized (pending) {
            if (hold) {
                pending.add(line);
                return;
            }
        }
        release();
        System.err.println(line);
    }
}
