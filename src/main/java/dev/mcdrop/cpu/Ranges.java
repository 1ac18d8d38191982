package dev.mcdrop.cpu;

/**
 * Splits a loop of {@code count} independent items into one contiguous range per worker, or runs
 * it inline when the whole loop is too small to pay for a thread hand-off.
 */
final class Ranges {
    /** Below this many elementary operations a loop runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1L << 15;

    @FunctionalInterface
    interface Body {
        void run(int from, int to, int worker);
    }

    private Ranges() {}

    static void forEach(WorkerPool pool, int count, long workPerItem, Body body) {
        if (count <= 0) return;
        long total = (long) count * Math.max(1, workPerItem);
        int parts = (int) Math.min(Math.min(pool.size(), count), Math.max(1, total / MIN_PARALLEL_WORK));
        if (parts <= 1) {
            pool.parallelFor(1, (task, worker) -> body.run(0, count, worker));
            return;
        }
        pool.parallelFor(parts, (task, worker) ->
                body.run((int) ((long) count * task / parts), (int) ((long) count * (task + 1) / parts), worker));
    }
}
