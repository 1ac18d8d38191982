package dev.mcdrop;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link System.Logger} that keeps every message with its level, for tests of what the library logs. */
public final class RecordingLogger implements System.Logger {
    public record Entry(Level level, String message) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public List<Entry> entries() { return entries; }

    /** The messages alone, in order. */
    public List<String> messages() { return entries.stream().map(Entry::message).toList(); }

    @Override public String getName() { return "test"; }

    @Override public boolean isLoggable(Level level) { return true; }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        entries.add(new Entry(level, thrown == null ? msg : msg + ": " + thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        entries.add(new Entry(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
    }
}
