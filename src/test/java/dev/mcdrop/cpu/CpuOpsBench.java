package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;

import java.util.Random;

/**
 * Not a test: times each CpuBackend op of one LeNet MC chunk (256 pairs after the first dropout:
 * conv2 → pool → dense1 → dense2 → MC reduction) with 1 and 2 threads, to show where time goes.
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes dev.mcdrop.cpu.CpuOpsBench}
 */
public final class CpuOpsBench {
    private static final int N = 256;

    public static void main(String[] args) {
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend cpu = new CpuBackend(threads)) {
                System.out.println(cpu.describe());
                run(cpu);
            }
        }
    }

    private static CpuBuffer random(CpuBackend cpu, int size) {
        CpuBuffer b = cpu.allocate(size);
        Random r = new Random(size);
        for (int i = 0; i < size; i++) b.array()[i] = r.nextFloat() - 0.5f;
        return b;
    }

    private static void run(CpuBackend cpu) {
        ConvGeometry g2 = new ConvGeometry(20, 12, 12, 50, 5, 5, 1, 0);
        Pairs pairs = new Pairs(0, 32, 0);
        MaskSpec mask = new MaskSpec(1, 1, 0.5f, false, pairs);
        var pooled1 = random(cpu, 20 * N * 144);
        var cols = cpu.allocate((long) g2.patchSize() * N * 64);
        var w2 = random(cpu, 50 * 500);
        var conv2 = cpu.allocate(50L * N * 64);
        var bias = random(cpu, 500);
        var pooled2 = cpu.allocate(50L * N * 16);
        var flat = cpu.allocate(800L * N);
        var w3 = random(cpu, 500 * 800);
        var dense1 = cpu.allocate(500L * N);
        var w4 = random(cpu, 10 * 500);
        var logits = cpu.allocate(10L * N);
        var acc = cpu.allocate(32L * 31);
        PoolGeometry pool = new PoolGeometry(PoolGeometry.PoolKind.MAX, 8, 8, 2, 2);
        Runnable[] ops = {
                () -> cpu.expandDropout(pooled1, 0, conv2, 0, 20, N / 8, 144, mask),
                () -> cpu.im2col(pooled1, 0, g2, N, cols, 0),
                () -> cpu.gemm(false, false, 50, N * 64, 500, w2, 0, cols, 0, 0f, conv2, 0),
                () -> cpu.biasActivation(conv2, 0, bias, 50, N, 64, Activation.RELU, null),
                () -> cpu.pool(conv2, 0, pool, 50 * N, pooled2, 0),
                () -> cpu.flatten(pooled2, 0, 50, N, 16, flat, 0),
                () -> cpu.gemm(false, false, 500, N, 800, w3, 0, flat, 0, 0f, dense1, 0),
                () -> cpu.biasActivation(dense1, 0, bias, 500, N, 1, Activation.RELU, mask),
                () -> cpu.gemm(false, false, 10, N, 500, w4, 0, dense1, 0, 0f, logits, 0),
                () -> cpu.mcAccumulate(logits, 0, 10, N, pairs, acc),
                () -> cpu.biasActivation(conv2, 0, bias, 50, N, 64, Activation.RELU, mask),
        };
        String[] names = {"expandDropout 20x32x144", "im2col conv2", "gemm conv2", "bias+relu conv2",
                "maxpool conv2", "flatten", "gemm dense1", "bias+relu+dropout dense1", "gemm dense2",
                "mcAccumulate", "bias+relu+dropout conv2 (819k)"};
        double total = 0;
        for (int o = 0; o < ops.length; o++) {
            for (int i = 0; i < 20; i++) ops[o].run();
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 15; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 5; i++) ops[o].run();
                best = Math.min(best, (System.nanoTime() - t0) / 5e3);
            }
            if (o < ops.length - 1) total += best;
            System.out.printf("  %-32s %9.1f µs%n", names[o], best);
        }
        System.out.printf("  %-32s %9.1f µs (without the last line)%n", "total", total);
    }
}
