package dev.mcdrop.cpu;

/**
 * A reusable parallel loop over {@code count} independent items: split into one contiguous range
 * per worker, or run inline when the whole loop is too small to pay for a thread hand-off.
 * Ops keep one job object per calling thread (a ThreadLocal) and set its fields before each
 * run, so dispatching allocates nothing — closures capturing the op's arguments would.
 */
abstract class RangeJob implements WorkerPool.Task {
    /** Below this many elementary operations a loop runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1L << 15;

    private int count, parts;

    /** Items [from, to), run by one worker. */
    abstract void items(int from, int to, int worker);

    /** Runs items [0, count) over the pool; workPerItem sizes the split. */
    final void runAll(WorkerPool pool, int count, long workPerItem) {
        if (count <= 0) return;
        long total = (long) count * Math.max(1, workPerItem);
        this.count = count;
        parts = (int) Math.max(1, Math.min(Math.min(pool.size(), count), total / MIN_PARALLEL_WORK));
        pool.parallelFor(parts, this);
    }

    @Override
    public final void run(int task, int worker) {
        items((int) ((long) count * task / parts), (int) ((long) count * (task + 1) / parts), worker);
    }
}
