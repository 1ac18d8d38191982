package dev.mcdrop.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon threads, created once, that runs {@code parallelFor} loops: tasks
 * 0..count−1 are claimed from a shared counter by the calling thread (worker 0) and the pool's
 * threads (workers 1..n−1). Each task is told which worker runs it, so callers can keep
 * per-worker scratch space allocated once. Dispatch allocates nothing; idle workers and the
 * waiting caller spin briefly (ops come back to back) before blocking on a monitor. Nested calls
 * (from inside a task) run inline on the current worker.
 */
public final class WorkerPool implements AutoCloseable {

    /** One task of a parallel loop; {@code worker} is in [0, size()). */
    @FunctionalInterface
    public interface Task {
        void run(int task, int worker);
    }

    private final Worker[] workers;
    private final ReentrantLock entry = new ReentrantLock();
    private final Object lock = new Object();
    private final AtomicInteger nextTask = new AtomicInteger();

    /** Busy-wait iterations (about 50 ns each) before a thread blocks. */
    private static final int SPINS = 1000;

    // Written by the dispatching thread before it bumps generation (a volatile write).
    private Task body;
    private int taskCount;
    private Throwable failure;      // guarded by lock
    private boolean dispatching;    // only touched under entry
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pendingWorkers = new AtomicInteger();

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** Number of workers, the calling thread included. */
    public int size() { return workers.length + 1; }

    /** Runs {@code body.run(t, worker)} for t in [0, tasks), returning when all finished. */
    public void parallelFor(int tasks, Task body) {
        if (tasks <= 0) return;
        if (Thread.currentThread() instanceof Worker w) { // nested inside a task
            for (int t = 0; t < tasks; t++) body.run(t, w.index);
            return;
        }
        entry.lock();
        try {
            if (dispatching || workers.length == 0 || tasks == 1) { // nested on worker 0, or nothing to share
                for (int t = 0; t < tasks; t++) body.run(t, 0);
                return;
            }
            dispatch(tasks, body);
        } finally {
            entry.unlock();
        }
    }

    private void dispatch(int tasks, Task task) {
        if (closed) throw new IllegalStateException("worker pool closed");
        body = task;
        taskCount = tasks;
        nextTask.set(0);
        pendingWorkers.set(workers.length);
        dispatching = true;
        synchronized (lock) {
            failure = null;
            generation++;
            lock.notifyAll();
        }
        runTasks(task, tasks, 0);
        for (int spin = 0; spin < SPINS && pendingWorkers.get() > 0; spin++) Thread.onSpinWait();
        Throwable error;
        synchronized (lock) {
            boolean interrupted = false;
            while (pendingWorkers.get() > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            error = failure;
            failure = null;
        }
        body = null;
        dispatching = false;
        if (error instanceof RuntimeException re) throw re;
        if (error instanceof Error e) throw e;
        if (error != null) throw new RuntimeException(error);
    }

    private void runTasks(Task task, int tasks, int worker) {
        for (int t; (t = nextTask.getAndIncrement()) < tasks; ) {
            try {
                task.run(t, worker);
            } catch (Throwable e) {
                synchronized (lock) {
                    if (failure == null) failure = e;
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private final class Worker extends Thread {
        final int index;

        Worker(int index) {
            super("mcdrop-cpu-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long now = generation;
                for (int spin = 0; spin < SPINS && now == seen && !closed; spin++) {
                    Thread.onSpinWait();
                    now = generation;
                }
                if (now == seen) {
                    synchronized (lock) {
                        while ((now = generation) == seen && !closed) {
                            try {
                                lock.wait();
                            } catch (InterruptedException ignored) {
                                // daemon worker: keep serving until closed
                            }
                        }
                    }
                }
                if (closed) return;
                seen = now;
                runTasks(body, taskCount, index);
                if (pendingWorkers.decrementAndGet() == 0) {
                    synchronized (lock) {
                        lock.notifyAll();
                    }
                }
            }
        }
    }
}
