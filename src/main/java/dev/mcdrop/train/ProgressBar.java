package dev.mcdrop.train;

import java.io.PrintStream;

/**
 * Training progress drawn on a stream the caller gives (the CLI gives stderr). On a terminal: one line redrawn with '\r' at most every 250 ms,
 * {@code [#####.....] 4200/10000 42% loss 0.083 lr 0.00712 1530 img/s ETA 3m12s}. Otherwise
 * (redirected to a file or pipe) a plain line every {@code every} steps and at the end.
 */
public final class ProgressBar implements ProgressListener {
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final boolean terminal;
    private final int every;
    private long lastDraw = Long.MIN_VALUE;
    private Progress last;

    /**
     * @param out      where to draw
     * @param terminal redraw one line with '\r' (for a terminal) instead of printing a line every {@code every} steps
     */
    public ProgressBar(PrintStream out, boolean terminal, int every) {
        this.out = out;
        this.terminal = terminal;
        this.every = every > 0 ? every : 100;
    }

    @Override
    public void progress(Progress p) {
        last = p;
        if (terminal) {
            long now = System.nanoTime();
            if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS || p.iteration() == p.total()) {
                out.print("\r" + line(p) + "   ");
                out.flush();
                lastDraw = now;
            }
        } else if (p.iteration() % every == 0 || p.iteration() == p.total()) {
            out.println(line(p));
        }
    }

    @Override
    public void finished(TrainResult r) {
        if (terminal && last != null) {
            out.print("\r" + line(last) + "   \n");
        }
        out.printf("trained %d iterations in %s, final loss %.4f%n", r.iterations(), duration(r.wallSeconds()), r.finalLoss());
        out.flush();
    }

    /** The progress line without '\r'. */
    public static String line(Progress p) {
        double f = p.total() == 0 ? 1 : (double) p.iteration() / p.total();
        int filled = (int) Math.round(f * WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        double eta = p.etaSeconds();
        return String.format("[%s] %d/%d %d%% loss %.3f lr %.3g %.0f img/s ETA %s", bar, p.iteration(), p.total(),
                (int) Math.floor(f * 100), p.loss(), p.learningRate(), p.imagesPerSecond(),
                Double.isNaN(eta) ? "?" : duration(eta));
    }

    /** 45s, 3m12s, 1h02m. */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format(java.util.Locale.ROOT, "%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format(java.util.Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
