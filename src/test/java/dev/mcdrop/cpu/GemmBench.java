package dev.mcdrop.cpu;

import java.util.Random;

/**
 * Not a test: prints SGEMM GFLOP/s (2·M·N·K per call) for the LeNet MC-inference shapes, and the
 * transposed backprop forms, with 1 and 2 threads. Run after {@code ./mvnw -o test-compile}:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes dev.mcdrop.cpu.GemmBench}
 */
public final class GemmBench {
    private record Shape(String name, int m, int n, int k, boolean transA, boolean transB) {
        Shape(String name, int m, int n, int k) { this(name, m, n, k, false, false); }
    }

    public static void main(String[] args) {
        Shape[] shapes = {
                new Shape("conv2  ", 50, 16384, 500),
                new Shape("dense1 ", 500, 256, 800),
                new Shape("dense2 ", 10, 256, 500),
                new Shape("conv1  ", 20, 256 * 576, 25),
                // training (backprop) forms: dW = dY·Xᵀ, dX = Wᵀ·dY, batch 64
                new Shape("conv2dW", 50, 500, 64 * 64, false, true),
                new Shape("conv2dX", 500, 64 * 64, 50, true, false),
                new Shape("dens1dW", 500, 800, 64, false, true),
                new Shape("dens1dX", 800, 64, 500, true, false),
        };
        System.out.println("species " + SgemmKernel.SPECIES + ", tile " + SgemmKernel.MR + "x" + SgemmKernel.NR);
        for (int threads : new int[] {1, 2}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                Sgemm sgemm = new Sgemm(pool);
                for (Shape s : shapes) {
                    if (args.length > 0 && !s.name.trim().equals(args[0])) continue; // optional filter: one shape name
                    double[] r = measure(sgemm, s, threads);
                    System.out.printf("%s%s M=%4d N=%6d K=%5d threads=%d  %6.1f GFLOP/s wall   %6.1f GFLOP/s per %d CPU-s%n",
                            s.name, s.transA ? " Aᵀ" : s.transB ? " Bᵀ" : "   ", s.m, s.n, s.k, threads, r[0], r[1], threads);
                }
            }
        }
    }

    /**
     * Best of 8 rounds of {wall-clock GFLOP/s, GFLOP/s per threads CPU-seconds of this process};
     * the second discounts time lost to other processes on a shared machine.
     */
    private static double[] measure(Sgemm sgemm, Shape s, int threads) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Random random = new Random(1);
        float[] a = new float[s.m * s.k], b = new float[s.k * s.n], c = new float[s.m * s.n]; // op shapes; storage fits either
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        double flops = 2.0 * s.m * s.n * s.k;
        int reps = (int) Math.max(2, 3e9 / flops);
        for (long end = System.nanoTime() + 500_000_000L; System.nanoTime() < end; ) { // warm-up: JIT, caches
            sgemm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, b, 0, 0f, c, 0);
        }
        double best = 0, bestCpu = 0;
        for (int round = 0; round < 8; round++) { // best of 8: the machine is shared
            long t0 = System.nanoTime(), cpu0 = os.getProcessCpuTime();
            for (int i = 0; i < reps; i++) sgemm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, b, 0, 0f, c, 0);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) * 1e-9 / threads;
            best = Math.max(best, flops * reps / seconds / 1e9);
            bestCpu = Math.max(bestCpu, flops * reps / Math.max(cpuSeconds, seconds * 0.01) / 1e9);
        }
        return new double[] {best, bestCpu};
    }
}
