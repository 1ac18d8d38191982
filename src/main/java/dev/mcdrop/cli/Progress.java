package dev.mcdrop.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line on stderr: redrawn in place with '\r' on a terminal, at most every 200 ms;
 * when stderr is not a terminal (CI, pipes) a plain line every 10 s, the first after 10 s. Counts
 * any unit ("passes", images): done/total, percent, rate and ETA. The ETA shows "--" for the first
 * 2 s and 2 %: the rate then mostly measures the JIT warming up, and would overstate it many times.
 */
final class Progress {
    private final String what, unit;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private final PrintStream err = System.err;
    private long lastDraw = start; // a plain line waits a whole interval; a terminal redraws after 200 ms
    private int drawnWidth; // characters of the line on screen now (terminal only), 0 when none

    Progress(String what, long total) { this(what, total, ""); }

    /** {@code unit}: what is counted, printed after the counts ("passes"); empty for none. */
    Progress(String what, long total, String unit) {
        this.what = what;
        this.total = total;
        this.unit = unit.isEmpty() ? "" : " " + unit;
        StderrLog.release(); // the run starts work: the backend line first
    }

    void update(long done) {
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : 10_000_000_000L;
        if (now - lastDraw < interval && done < total) return;
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        double eta = rate > 0 ? (total - done) / rate : 0;
        boolean settled = seconds >= 2 && done * 50 >= total;
        int width = 30, filled = (int) (width * done / Math.max(1, total));
        String line = String.format(Locale.ROOT, "%s [%s%s] %,d/%,d%s %3.0f%% %,.0f%s/s ETA %s", what,
                "#".repeat(filled), ".".repeat(width - filled), done, total, unit, 100.0 * done / Math.max(1, total), rate,
                unit, settled ? time(eta) : "--");
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
            drawnWidth = line.length();
        } else if (done < total) {
            err.println(line);
        }
        err.flush();
    }

    /** Erases the line on a terminal (before other output shares the screen); the next update redraws it. */
    void clear() {
        if (!terminal || drawnWidth == 0) return;
        err.print("\r" + " ".repeat(drawnWidth) + "\r");
        err.flush();
        drawnWidth = 0;
        lastDraw = start;
    }

    void done() {
        if (terminal && drawnWidth > 0) err.println();
    }

    /** 45s, 3m12s, 1h02m: the trainer's format ({@link dev.mcdrop.train.ProgressBar#duration}). */
    static String time(double seconds) { return dev.mcdrop.train.ProgressBar.duration(seconds); }
}
