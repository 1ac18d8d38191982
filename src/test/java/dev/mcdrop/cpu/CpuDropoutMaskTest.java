package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CPU backend's grouped (one Philox block per 4 elements) dropout masks are bit-identical to
 * the scalar MaskSpec.keep, including planes whose 4-groups straddle channels and per-channel
 * masks; keep rates match 1 − p; masks do not depend on the thread count.
 */
class CpuDropoutMaskTest {

    /** Runs biasActivation on all-ones with zero bias: output = scale where kept, 0 where dropped. */
    private static float[] maskOf(CpuBackend cpu, MaskSpec mask, int channels, int columns, int plane) {
        int size = channels * columns * plane;
        var x = cpu.allocate(size);
        Arrays.fill(x.array(), 1f);
        var bias = cpu.allocate(channels);
        cpu.biasActivation(x, 0, bias, channels, columns, plane, Activation.IDENTITY, mask);
        return x.array();
    }

    private static void assertMatchesScalar(float[] out, MaskSpec mask, int channels, int columns, int plane) {
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++) {
                    boolean keep = mask.keep(n, c, (long) c * plane + i);
                    float v = out[(c * columns + n) * plane + i];
                    if (v != (keep ? mask.scale() : 0f)) {
                        fail("c=" + c + " n=" + n + " i=" + i + " plane=" + plane + " got " + v + " keep=" + keep);
                    }
                }
    }

    @Test
    void biasActivationMaskIsBitIdenticalToMaskSpecKeep() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (int plane : new int[] {1, 2, 3, 5, 6, 7, 13, 16, 25, 64, 576})
                for (boolean perChannel : new boolean[] {false, true}) {
                    int channels = 9, columns = 11;
                    MaskSpec mask = new MaskSpec(0xFEDC_BA98_7654_3210L ^ plane, 3, 0.37f, perChannel,
                            new Pairs(17, 6, 12345));
                    assertMatchesScalar(maskOf(cpu, mask, channels, columns, plane), mask, channels, columns, plane);
                }
        }
    }

    @Test
    void expandDropoutMaskIsBitIdenticalToMaskSpecKeep() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (int plane : new int[] {3, 7, 784})
                for (boolean perChannel : new boolean[] {false, true}) {
                    int channels = 3, images = 4, columns = 10;
                    MaskSpec mask = new MaskSpec(7L << 40 | plane, 0, 0.5f, perChannel, new Pairs(6, images, 0));
                    var src = cpu.allocate(channels * images * plane);
                    Arrays.fill(src.array(), 1f);
                    var dst = cpu.allocate(channels * columns * plane);
                    cpu.expandDropout(src, 0, dst, 0, channels, columns, plane, mask);
                    assertMatchesScalar(dst.array(), mask, channels, columns, plane);
                }
        }
    }

    @Test
    void bitIdenticalForHugeImageAndSampleIndices() { // counters above 2^31 exercise unsigned handling
        try (CpuBackend cpu = new CpuBackend(2)) {
            int channels = 5, columns = 6, plane = 37;
            MaskSpec mask = new MaskSpec(-1L, 7, 0.6f, false, new Pairs(3_000_000_000L * 3, 3, 3_000_000_000L));
            assertMatchesScalar(maskOf(cpu, mask, channels, columns, plane), mask, channels, columns, plane);
        }
    }

    @Test
    void keepRateIsWithinFourStandardErrorsOfOneMinusP() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            int channels = 8, columns = 500, plane = 250; // 1e6 elements
            for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
                MaskSpec mask = new MaskSpec(2024, 1, p, false, new Pairs(0, 100, 0));
                float[] out = maskOf(cpu, mask, channels, columns, plane);
                long kept = 0;
                for (float v : out) if (v != 0f) kept++;
                double n = out.length, rate = kept / n, q = 1.0 - p;
                double se = Math.sqrt(q * (1 - q) / n);
                assertTrue(Math.abs(rate - q) <= 4 * se, "p=" + p + " keep rate " + rate + " expected " + q + " ± " + 4 * se);
            }
        }
    }

    @Test
    void zeroDropoutKeepsEverythingUnscaled() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            MaskSpec mask = new MaskSpec(5, 0, 0f, false, new Pairs(0, 3, 0));
            float[] out = maskOf(cpu, mask, 4, 3, 5);
            for (float v : out) assertEquals(1f, v);
        }
    }

    @Test
    void masksAreIdenticalForOneTwoAndThreeThreads() {
        MaskSpec mask = new MaskSpec(77, 2, 0.5f, false, new Pairs(40, 32, 64));
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuBackend cpu = new CpuBackend(threads)) {
                float[] out = maskOf(cpu, mask, 50, 96, 64);
                if (first == null) first = out;
                else assertArrayEquals(first, out, "threads=" + threads);
            }
        }
    }
}
