package dev.mcdrop.train;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs independent loop bodies on the common fork-join pool when there is enough work. Every
 * caller partitions its OUTPUT (item i writes only its own elements, in a fixed order), so the
 * result is bit-identical whatever the thread count — no parallel reductions anywhere. Runs in
 * the caller's fork-join pool when called from one (so tests can vary the thread count), else
 * the common pool (size it with -Djava.util.concurrent.ForkJoinPool.common.parallelism).
 */
final class Parallel {
    /** Below this many element operations a loop stays on the calling thread. */
    static final long MIN_WORK = 1 << 15;

    private Parallel() {}

    static void forEach(int items, long workPerItem, IntConsumer body) {
        if (items > 1 && (long) items * workPerItem >= MIN_WORK) {
            IntStream.range(0, items).parallel().forEach(body);
        } else {
            for (int i = 0; i < items; i++) body.accept(i);
        }
    }
}
