package dev.mcdrop.experiment;

import dev.mcdrop.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What makes an experiment resumable: each finished unit of work (one training run, one
 * evaluation) stores its result as {@code units/<key>.csv} in the output directory, and adds a
 * line to {@code progress.csv} (unit, seconds, finish time), both written through
 * {@link AtomicFile}. A rerun
 * asks {@link #isDone} and loads the stored result instead of recomputing it, so an interrupted
 * experiment continues where it stopped and produces the same numbers.
 */
public final class UnitStore {
    private final Path dir;
    private final Path progress;
    private int computed, reused;
    private double computeSeconds;
    private final java.util.Set<String> computedKeys = new java.util.HashSet<>();
    private Consumer<String> afterSave = key -> {};

    public UnitStore(Path outDir) throws IOException {
        this.dir = outDir.resolve("units");
        this.progress = outDir.resolve("progress.csv");
        Files.createDirectories(dir);
        if (!Files.exists(progress)) AtomicFile.writeString(progress, "unit,seconds,finished_utc\n");
    }

    public Path file(String key) {
        if (!key.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad unit key '" + key + "'");
        return dir.resolve(key + ".csv");
    }

    public boolean isDone(String key) { return Files.isRegularFile(file(key)); }

    /** The stored result of a finished unit (counted as reused unless this process computed it). */
    public Table load(String key) throws IOException {
        if (computedKeys.add(key)) reused++;
        return Table.read(file(key));
    }

    /** Records a finished unit that took {@code seconds}. */
    public void save(String key, Table result, double seconds) throws IOException {
        result.write(file(key));
        // rewritten whole, not appended to: an interruption leaves the old file or the new one, never half a line
        String line = String.format(Locale.ROOT, "%s,%.3f,%s%n", key, seconds, Instant.now());
        String before = Files.exists(progress) ? Files.readString(progress) : "unit,seconds,finished_utc\n";
        AtomicFile.writeString(progress, before + (before.isEmpty() || before.endsWith("\n") ? "" : "\n") + line);
        computed++;
        computedKeys.add(key);
        computeSeconds += seconds;
        afterSave.accept(key);
    }

    /** Forgets a unit (its result file), e.g. to redo it. */
    public void delete(String key) throws IOException { Files.deleteIfExists(file(key)); }

    /** Units computed by this process. */
    public int computed() { return computed; }

    /** Units whose stored result this process reused. */
    public int reused() { return reused; }

    /** Seconds spent on the units computed by this process. */
    public double computeSeconds() { return computeSeconds; }

    /** Called after each save with the unit's key (tests use it to simulate an interruption). */
    public void afterSave(Consumer<String> hook) { this.afterSave = hook; }
}
