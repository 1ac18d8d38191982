package dev.mcdrop.train;

import dev.mcdrop.cpu.WorkerPool;
import java.util.function.IntConsumer;

/**
 * How the trainer runs its element-wise loops (im2col/col2im, pooling, bias, masks). Every caller
 * partitions its OUTPUT: item i writes only its own elements, in a fixed order, so the result is
 * bit-identical whatever runs the items — no parallel reductions anywhere. {@link #SERIAL} runs them
 * on the calling thread; {@link #on(WorkerPool)} on the pool the GEMMs use, so {@code --threads N}
 * means N threads for the whole step.
 */
@FunctionalInterface
public interface Loops {
    /** Below this many element operations a loop stays on the calling thread. */
    long MIN_WORK = 1 << 15;

    /** body.accept(i) for every i in [0, items), each item costing about workPerItem element operations. */
    void forEach(int items, long workPerItem, IntConsumer body);

    Loops SERIAL = (items, work, body) -> {
        for (int i = 0; i < items; i++) body.accept(i);
    };

    /** Items in contiguous slices, a few per worker of {@code pool} (the calling thread is one of them). */
    static Loops on(WorkerPool pool) {
        return (items, work, body) -> {
            if (pool.size() == 1 || items < 2 || (long) items * work < MIN_WORK) {
                SERIAL.forEach(items, work, body);
                return;
            }
            int slices = Math.min(items, 4 * pool.size());
            pool.parallelFor(slices, (slice, worker) -> {
                int from = (int) ((long) items * slice / slices), to = (int) ((long) items * (slice + 1) / slices);
                for (int i = from; i < to; i++) body.accept(i);
            });
        };
    }
}
