package dev.mcdrop.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line on stderr: redrawn in place with '\r' on a terminal, at most every 200 ms;
 * when stderr is not a terminal (CI, pipes) a plain line at most every 10 s.
 */
final class Progress {
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private final PrintStream err = System.err;
    private long lastDraw;
    private boolean drawn;

    Progress(String what, long total) {
        this.what = what;
        this.total = total;
    }

    void update(long done) {
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : 10_000_000_000L;
        if (now - lastDraw < interval && done < total) return;
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        double eta = rate > 0 ? (total - done) / rate : 0;
        int width = 30, filled = (int) (width * done / Math.max(1, total));
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %3.0f%% %.0f/s ETA %s", what,
                "#".repeat(filled), ".".repeat(width - filled), done, total, 100.0 * done / Math.max(1, total), rate, time(eta));
        if (terminal) {
            err.print("\r" + line);
            drawn = true;
        } else if (done < total) {
            err.println(line);
        }
        err.flush();
    }

    void done() {
        if (terminal && drawn) err.println();
    }

    /** 45s, 3m12s, 1h02m: the trainer's format ({@link dev.mcdrop.train.ProgressBar#duration}). */
    static String time(double seconds) { return dev.mcdrop.train.ProgressBar.duration(seconds); }
}
