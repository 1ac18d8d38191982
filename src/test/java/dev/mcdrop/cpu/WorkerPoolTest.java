package dev.mcdrop.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every task runs exactly once with a valid worker index, failures reach the caller, nesting runs inline. */
class WorkerPoolTest {
    @Test
    void runsEachTaskExactlyOnceOnManyBackToBackLoops() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 2000; round++) {
                int tasks = 1 + round % 7;
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                pool.parallelFor(tasks, (task, worker) -> {
                    assertTrue(worker >= 0 && worker < 3);
                    runs.incrementAndGet(task);
                });
                for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "round " + round + " task " + t);
            }
        }
    }

    @Test
    void failuresPropagateAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(IllegalStateException.class, () -> pool.parallelFor(4, (task, worker) -> {
                if (task == 2) throw new IllegalStateException("boom");
            }));
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            pool.parallelFor(4, (task, worker) -> runs.incrementAndGet(task));
            for (int t = 0; t < 4; t++) assertEquals(1, runs.get(t));
        }
    }

    @Test
    void nestedLoopsRunInlineOnTheSameWorker() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            pool.parallelFor(4, (outer, worker) -> pool.parallelFor(4, (inner, innerWorker) -> {
                assertEquals(worker, innerWorker);
                runs.incrementAndGet(outer * 4 + inner);
            }));
            for (int t = 0; t < 16; t++) assertEquals(1, runs.get(t));
        }
    }
}
