package dev.mcdrop.train;

import dev.mcdrop.rng.DropoutMask;
import dev.mcdrop.rng.Philox4x32;

/**
 * The element-wise pieces of the layers: bias add and its gradient (row sums, in double, in a
 * fixed order per row), ReLU, dropout (masks drawn from {@link DropoutMask}'s definition, stored
 * as multipliers 0 or 1/(1−p)), and PyTorch-order flatten on CNHW tensors.
 */
final class Pointwise {
    private Pointwise() {}

    /** x[c][j] += bias[c] for a [rows][length] matrix. */
    static void addBias(float[] x, float[] bias, int rows, int length) {
        Parallel.forEach(rows, length, c -> {
            float b = bias[c];
            for (int j = c * length, end = j + length; j < end; j++) x[j] += b;
        });
    }

    /** db[c] = Σ_j dy[c][j], summed in double left to right. */
    static void rowSums(float[] dy, int rows, int length, float[] db) {
        Parallel.forEach(rows, length, c -> {
            double s = 0;
            for (int j = c * length, end = j + length; j < end; j++) s += dy[j];
            db[c] = (float) s;
        });
    }

    static void reluForward(float[] x, int count, float[] y) {
        for (int i = 0; i < count; i++) y[i] = x[i] > 0f ? x[i] : 0f;
    }

    /** dx = dy where the output was positive. */
    static void reluBackward(float[] y, float[] dy, int count, float[] dx) {
        for (int i = 0; i < count; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    /**
     * mult[c][n][q] = keep ? 1/(1−p) : 0 with keep = DropoutMask.keep(seed, sample, image n,
     * layer, element c·P+q (or c when perChannel)). Draws whole Philox blocks (4 elements each).
     */
    static void dropoutMask(float[] mult, int channels, int n, int plane, long seed, long sample, int layer,
                            float p, boolean perChannel) {
        int threshold = DropoutMask.dropThreshold(p);
        float scale = DropoutMask.keepScale(p);
        int k0 = (int) seed, k1 = (int) (seed >>> 32), s = (int) sample;
        int units = perChannel ? channels : channels * plane; // work per image
        Parallel.forEach(n, units, img -> {
            if (perChannel) {
                int keep = 0;
                for (int c = 0; c < channels; c++) {
                    if ((c & 3) == 0) keep = keepBits(c >>> 2, img, s, layer, k0, k1, threshold);
                    float m = (keep >>> (c & 3) & 1) != 0 ? scale : 0f;
                    java.util.Arrays.fill(mult, (c * n + img) * plane, (c * n + img + 1) * plane, m);
                }
                return;
            }
            int e = 0, keep = 0; // element c·plane + q, walked in order; a Philox block covers 4 of them
            for (int c = 0; c < channels; c++) {
                int row = (c * n + img) * plane; // mult[c][img][·]
                for (int q = 0; q < plane; q++, e++) {
                    if ((e & 3) == 0) keep = keepBits(e >>> 2, img, s, layer, k0, k1, threshold);
                    mult[row + q] = (keep >>> (e & 3) & 1) != 0 ? scale : 0f;
                }
            }
        });
    }

    /**
     * Philox4x32-10 of counter (c0..c3), key (k0, k1) — the same rounds as {@link Philox4x32#block}
     * (a test checks it against {@link DropoutMask#keep}) kept in locals — reduced to 4 keep bits:
     * bit j set iff output word j, unsigned, is at least {@code threshold}.
     */
    static int keepBits(int c0, int c1, int c2, int c3, int k0, int k1, int threshold) {
        for (int round = 0; round < Philox4x32.ROUNDS; round++) {
            if (round > 0) {
                k0 += 0x9E3779B9;
                k1 += 0xBB67AE85;
            }
            long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL);
            long p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
        }
        return (Integer.compareUnsigned(c0, threshold) >= 0 ? 1 : 0)
                | (Integer.compareUnsigned(c1, threshold) >= 0 ? 2 : 0)
                | (Integer.compareUnsigned(c2, threshold) >= 0 ? 4 : 0)
                | (Integer.compareUnsigned(c3, threshold) >= 0 ? 8 : 0);
    }

    /** y = x · mult (also the backward: dx = dy · mult). */
    static void multiply(float[] x, float[] mult, int count, float[] y) {
        for (int i = 0; i < count; i++) y[i] = x[i] * mult[i];
    }

    /** out[c·P + q][n] = in[c][n][q]: PyTorch's flatten order as a [features][N] matrix. */
    static void flatten(float[] in, int channels, int n, int plane, float[] out) {
        for (int c = 0; c < channels; c++)
            for (int img = 0; img < n; img++)
                for (int q = 0; q < plane; q++) out[(c * plane + q) * n + img] = in[(c * n + img) * plane + q];
    }

    /** The inverse permutation: dx[c][n][q] = dy[c·P + q][n]. */
    static void unflatten(float[] dy, int channels, int n, int plane, float[] dx) {
        for (int c = 0; c < channels; c++)
            for (int img = 0; img < n; img++)
                for (int q = 0; q < plane; q++) dx[(c * n + img) * plane + q] = dy[(c * plane + q) * n + img];
    }
}
