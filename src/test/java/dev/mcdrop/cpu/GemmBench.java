package dev.mcdrop.cpu;

import java.util.Random;

/**
 * Not a test: prints SGEMM GFLOP/s (2·M·N·K per call) for the LeNet MC-inference shapes with 1
 * and 2 threads. Run after {@code ./mvnw -o test-compile}:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes dev.mcdrop.cpu.GemmBench}
 */
public final class GemmBench {
    private record Shape(String name, int m, int n, int k) {}

    public static void main(String[] args) {
        Shape[] shapes = {
                new Shape("conv2  ", 50, 16384, 500),
                new Shape("dense1 ", 500, 256, 800),
                new Shape("dense2 ", 10, 256, 500),
                new Shape("conv1  ", 20, 256 * 576, 25),
        };
        System.out.println("species " + SgemmKernel.SPECIES + ", tile " + SgemmKernel.MR + "x" + SgemmKernel.NR);
        for (int threads : new int[] {1, 2}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                Sgemm sgemm = new Sgemm(pool);
                for (Shape s : shapes) {
                    System.out.printf("%s M=%4d N=%6d K=%4d threads=%d  %6.1f GFLOP/s%n",
                            s.name, s.m, s.n, s.k, threads, measure(sgemm, s));
                }
            }
        }
    }

    private static double measure(Sgemm sgemm, Shape s) {
        Random random = new Random(1);
        float[] a = new float[s.m * s.k], b = new float[s.k * s.n], c = new float[s.m * s.n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        double flops = 2.0 * s.m * s.n * s.k;
        int reps = (int) Math.max(3, 2e9 / flops);
        for (int i = 0; i < reps; i++) sgemm.gemm(false, false, s.m, s.n, s.k, a, 0, b, 0, 0f, c, 0); // warm-up
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) sgemm.gemm(false, false, s.m, s.n, s.k, a, 0, b, 0, 0f, c, 0);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            best = Math.max(best, flops * reps / seconds / 1e9);
        }
        return best;
    }
}
