package dev.mcdrop.experiment;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.cpu.Sgemm;
import dev.mcdrop.cpu.WorkerPool;
import dev.mcdrop.train.GemmKernel;
import dev.mcdrop.train.ProgressListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One invocation of an experiment: its output directory and unit store, the backend that
 * predicts (owned by the caller), the CPU threads that train, where progress goes (a logger and a
 * training-progress listener the caller gives: the CLI's print on stderr), the command line for
 * the summary, and the wall clock. Closing it stops the training thread pool.
 */
public final class ExperimentRun implements AutoCloseable {
    /**
     * Where an experiment's progress goes.
     *
     * @param log              one INFO message per finished unit, and for long predictions every 10 s
     * @param trainingProgress a fresh listener for each training run's steps
     */
    public record Reporting(System.Logger log, Supplier<ProgressListener> trainingProgress) {
        public Reporting {
            java.util.Objects.requireNonNull(log, "log");
            java.util.Objects.requireNonNull(trainingProgress, "trainingProgress");
        }
    }

    private final String name;
    private final Path out;
    private final Backend backend;
    private final int threads;
    private final Reporting reporting;
    private final String command;
    private final UnitStore units;
    private final long start = System.nanoTime();
    private WorkerPool pool;
    private int unitsDone, unitsTotal;
    private final java.util.Map<String, String> dependsOn = new java.util.LinkedHashMap<>();

    public ExperimentRun(String name, Path out, Backend backend, int threads, Reporting reporting, String command) throws IOException {
        this.name = name;
        this.out = out;
        this.backend = backend;
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.reporting = java.util.Objects.requireNonNull(reporting, "reporting");
        this.command = command;
        createFolder(out);
        this.units = new UnitStore(out);
    }

    /**
     * Creates the results folder; a failure keeps the system's reason and names the folder ("cannot create
     * the folder /proc/x: /proc/x: the file system refused it (No such file or directory)"), where the bare
     * NoSuchFileException would read "file not found".
     */
    private static void createFolder(Path out) throws IOException {
        try {
            Files.createDirectories(out);
        } catch (java.nio.file.FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : switch (e) {
                case java.nio.file.NoSuchFileException x -> "the file system refused it (No such file or directory)";
                case java.nio.file.AccessDeniedException x -> "permission denied";
                case java.nio.file.FileAlreadyExistsException x -> "exists already and is not a folder";
                default -> e.getClass().getSimpleName();
            };
            throw new IOException("cannot create the folder " + out + ": " + (e.getFile() != null ? e.getFile() + ": " : "") + reason, e);
        }
    }

    public String name() { return name; }

    public Path out() { return out; }

    public Backend backend() { return backend; }

    public String backendDescription() { return backend.describe(); }

    public int threads() { return threads; }

    public String command() { return command; }

    public UnitStore units() { return units; }

    public System.Logger log() { return reporting.log(); }

    /** A listener for one training run's steps. */
    public ProgressListener trainingProgress() { return reporting.trainingProgress().get(); }

    public double elapsedSeconds() { return (System.nanoTime() - start) / 1e9; }

    /** The multi-threaded SGEMM the trainer uses, created on first use. */
    public GemmKernel gemm() {
        return new Sgemm(pool())::gemm;
    }

    /** The trainer's element-wise loops, on the same threads as {@link #gemm()}. */
    public dev.mcdrop.train.Loops loops() {
        return dev.mcdrop.train.Loops.on(pool());
    }

    private WorkerPool pool() {
        if (pool == null) pool = new WorkerPool(threads);
        return pool;
    }

    /**
     * Guards resuming ({@link ResumeKey}): the first run writes {@code settings.txt}, one
     * {@code key: value} line for everything that changes the numbers (the options, a content hash
     * of the model and of every image set); a later run in the same folder must have the same, or
     * stored units would be mixed with new ones, and is refused with one line naming what changed.
     * Threads and backend are left out: they do not change the results. The mask keying is added
     * here for every experiment (they all predict with the default), and what {@link #dependsOn}
     * added (the GEMM precision).
     */
    public void requireSettings(String settings) throws IOException {
        StringBuilder text = new StringBuilder(settings.strip())
                .append("\nmask keys: ").append(dev.mcdrop.predict.McOptions.defaults().maskKey().option());
        dependsOn.forEach((k, v) -> text.append('\n').append(k).append(": ").append(v));
        ResumeKey.require(out, text.toString());
    }

    /** Records one more thing the numbers depend on (e.g. "gemm precision"), for {@link #requireSettings}. */
    public ExperimentRun dependsOn(String key, String value) {
        dependsOn.put(key, value);
        return this;
    }

    /** An experiment's settings record as {@code option <name>: <value>} lines, for {@link #requireSettings}. */
    public static String options(Record settings) { return ResumeKey.options(settings); }

    /** A weights set for {@link #requireSettings}: architecture, parameter count, SHA-256 of the architecture and every tensor. */
    public static String fingerprint(dev.mcdrop.model.Weights w) { return ResumeKey.of(w); }

    /** An image set for {@link #requireSettings}: count, shape, SHA-256 of every pixel and label (not where it was read from). */
    public static String fingerprint(dev.mcdrop.data.LabeledImages set) { return ResumeKey.of(set); }

    /** Sets how many units the experiment has, for the "[k/n]" of the progress lines. */
    public void plan(int total) {
        unitsTotal = total;
        unitsDone = 0;
    }

    /** Counts one unit as finished (computed or reused) and says so on stderr. */
    public void unitFinished(String what) {
        unitsDone++;
        info("[%d/%d] %s", unitsDone, unitsTotal, what);
    }

    public void info(String format, Object... args) {
        reporting.log().log(Level.INFO, String.format(Locale.ROOT, "experiment %s (%s elapsed): %s", name,
                dev.mcdrop.train.ProgressBar.duration(elapsedSeconds()), String.format(Locale.ROOT, format, args)));
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
    }
}
