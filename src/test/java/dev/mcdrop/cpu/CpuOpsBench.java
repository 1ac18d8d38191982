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
 * With the argument {@code graph}, the graph ops instead (issue 14: MobileNet-style depthwise 3×3,
 * 1×1 convolution, global pooling, epilogue, binary add), in GFLOP/s or GB/s of the tensors read and written.
 */
public final class CpuOpsBench {
    private static final int N = 256;

    public static void main(String[] args) {
        boolean graph = args.length > 0 && args[0].equals("graph");
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend cpu = new CpuBackend(threads)) {
                System.out.println(cpu.describe());
                if (graph) graphOps(cpu);
                else run(cpu);
            }
        }
    }

    /** Best of 10 rounds of 5 calls, in µs per call. */
    private static double time(Runnable op) {
        for (int i = 0; i < 20; i++) op.run();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) op.run();
            best = Math.min(best, (System.nanoTime() - t0) / 5e3);
        }
        return best;
    }

    private static void graphOps(CpuBackend cpu) {
        int columns = 8;
        for (int stride : new int[] {1, 2}) { // MobileNet v1's 128-channel 56×56 depthwise layer, stride 1 and 2
            dev.mcdrop.backend.ConvGeometry g = new dev.mcdrop.backend.ConvGeometry(128, 56, 56, 128,
                    dev.mcdrop.backend.Window.square(3, stride, 1), 128);
            var in = random(cpu, 128 * columns * g.inPlane());
            var w = random(cpu, 128 * 9);
            var out = cpu.allocate(128L * columns * g.outPlane());
            double us = time(() -> cpu.conv2d(in, 0, g, columns, w, null, out, 0));
            System.out.printf("  %-44s %9.1f µs %7.2f GFLOP/s%n", "depthwise 3x3 s" + stride + " 128x56x56, " + columns + " columns",
                    us, 2.0 * g.macsPerImage() * columns / us / 1e3);
        }
        {
            dev.mcdrop.backend.ConvGeometry g = new dev.mcdrop.backend.ConvGeometry(128, 28, 28, 128,
                    dev.mcdrop.backend.Window.kernel(1, 1), 1);
            var in = random(cpu, 128 * columns * g.inPlane());
            var w = random(cpu, 128 * 128);
            var out = cpu.allocate(128L * columns * g.outPlane());
            double us = time(() -> cpu.conv2d(in, 0, g, columns, w, null, out, 0));
            System.out.printf("  %-44s %9.1f µs %7.2f GFLOP/s%n", "1x1 conv 128->128 28x28, " + columns + " columns",
                    us, 2.0 * g.macsPerImage() * columns / us / 1e3);
        }
        for (PoolGeometry.PoolKind kind : PoolGeometry.PoolKind.values()) {
            PoolGeometry g = PoolGeometry.global(kind, 7, 7);
            int planes = 1024 * columns;
            var in = random(cpu, planes * 49);
            var out = cpu.allocate(planes);
            double us = time(() -> cpu.pool(in, 0, g, planes, out, 0));
            System.out.printf("  %-44s %9.1f µs %7.2f GB/s%n", "global " + kind + " pool 1024x7x7, " + columns + " columns",
                    us, 4.0 * planes * 50 / us / 1e3);
        }
        {
            int channels = 256, plane = 28 * 28, size = channels * columns * plane;
            var x = random(cpu, size);
            var scale = random(cpu, channels);
            var bias = random(cpu, channels);
            var residual = random(cpu, size);
            var e = new dev.mcdrop.backend.Epilogue(scale, bias, residual, Activation.RELU, null);
            double us = time(() -> cpu.epilogue(x, channels, columns, plane, e));
            System.out.printf("  %-44s %9.1f µs %7.2f GB/s%n", "epilogue scale+bias+residual+relu 256x28x28", us, 12.0 * size / us / 1e3);
            var dense = dev.mcdrop.backend.Broadcast.dense(columns, plane);
            double add = time(() -> cpu.binary(dev.mcdrop.backend.BinaryOp.ADD, x, dense, residual, dense, channels, columns, plane, x));
            System.out.printf("  %-44s %9.1f µs %7.2f GB/s%n", "binary add in place 256x28x28", add, 12.0 * size / add / 1e3);
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
