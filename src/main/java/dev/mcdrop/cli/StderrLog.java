package dev.mcdrop.cli;

import dev.mcdrop.io.Names;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The CLI's {@link System.Logger} for the library (backend choice, experiment progress): INFO and
 * above as one line on stderr, {@code mcdrop: <message>}, warnings and errors as
 * {@code mcdrop: warning: <message>} (made one line: {@link Names#oneLine}); DEBUG and TRACE dropped. Looks up System.err at each line,
 * so a caller that redirects it (the tests) gets the lines.
 */
final class StderrLog implements System.Logger {
    static final StderrLog INSTANCE = new StderrLog();

    private StderrLog() {}

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
        System.err.println("mcdrop: " + (warning ? "warning: " : "") + Names.oneLine(message));
    }
}
