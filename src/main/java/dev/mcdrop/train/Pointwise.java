package dev.mcdrop.train;

import dev.mcdrop.rng.DropoutMask;
import dev.mcdrop.rng.PhiloxBulk;

/**
 * The element-wise pieces of the layers: bias add and its gradient (row sums, in double, in a
 * fixed order per row), ReLU, dropout (masks drawn from {@link DropoutMask}'s definition, stored
 * as multipliers 0 or 1/(1−p)), and PyTorch-order flatten on CNHW tensors.
 */
final class Pointwise {
    private Pointwise() {}

    /** x[c][j] += bias[c] for a [rows][length] matrix. */
    static void addBias(Loops loops, float[] x, float[] bias, int rows, int length) {
        loops.forEach(rows, length, c -> {
            float b = bias[c];
            for (int j = c * length, end = j + length; j < end; j++) x[j] += b;
        });
    }

    /** db[c] = Σ_j dy[c][j], summed in double left to right. */
    static void rowSums(Loops loops, float[] dy, int rows, int length, float[] db) {
        loops.forEach(rows, length, c -> {
            double s = 0;
            for (int j = c * length, end = j + length; j < end; j++) s += dy[j];
            db[c] = (float) s;
        });
    }

    /** Element-wise loops go in slices of this many elements. */
    private static final int SLICE = 4096;

    private static int slices(int count) { return (count + SLICE - 1) / SLICE; }

    static void reluForward(Loops loops, float[] x, int count, float[] y) {
        loops.forEach(slices(count), SLICE, sl -> {
            for (int i = sl * SLICE, end = Math.min(count, i + SLICE); i < end; i++) y[i] = x[i] > 0f ? x[i] : 0f;
        });
    }

    /** dx = dy where the output was positive. */
    static void reluBackward(Loops loops, float[] y, float[] dy, int count, float[] dx) {
        loops.forEach(slices(count), SLICE, sl -> {
            for (int i = sl * SLICE, end = Math.min(count, i + SLICE); i < end; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
        });
    }

    private static final ThreadLocal<float[]> GROUP_SCRATCH = ThreadLocal.withInitial(() -> new float[PhiloxBulk.GROUP]);

    /**
     * mult[c][n][q] = keep ? 1/(1−p) : 0 with keep = DropoutMask.keep(seed, sample, image n,
     * layer, element c·P+q (or c when perChannel)), drawn 32 elements at a time by {@link PhiloxBulk}.
     */
    static void dropoutMask(Loops loops, float[] mult, int channels, int n, int plane, long seed, long sample, int layer,
                            float p, boolean perChannel) {
        int threshold = DropoutMask.dropThreshold(p);
        float scale = DropoutMask.keepScale(p);
        int units = perChannel ? channels : channels * plane; // work per image
        loops.forEach(n, units, img -> {
            float[] scratch = GROUP_SCRATCH.get();
            if (perChannel) {
                for (int c = 0; c < channels; c++) {
                    float m = DropoutMask.keep(seed, sample, img, layer, c, threshold) ? scale : 0f;
                    java.util.Arrays.fill(mult, (c * n + img) * plane, (c * n + img + 1) * plane, m);
                }
                return;
            }
            for (int c = 0; c < channels; c++) { // row mult[c][img][·] holds elements c·P .. c·P+P−1
                PhiloxBulk.multipliers(seed, sample, img, layer, (long) c * plane, plane, threshold, scale,
                        mult, (c * n + img) * plane, scratch);
            }
        });
    }

    /** y = x · mult (also the backward: dx = dy · mult). */
    static void multiply(Loops loops, float[] x, float[] mult, int count, float[] y) {
        loops.forEach(slices(count), SLICE, sl -> {
            for (int i = sl * SLICE, end = Math.min(count, i + SLICE); i < end; i++) y[i] = x[i] * mult[i];
        });
    }

    /** out[c·P + q][n] = in[c][n][q]: PyTorch's flatten order as a [features][N] matrix. */
    static void flatten(Loops loops, float[] in, int channels, int n, int plane, float[] out) {
        loops.forEach(channels, (long) n * plane, c -> {
            for (int img = 0; img < n; img++)
                for (int q = 0; q < plane; q++) out[(c * plane + q) * n + img] = in[(c * n + img) * plane + q];
        });
    }

    /** The inverse permutation: dx[c][n][q] = dy[c·P + q][n]. */
    static void unflatten(Loops loops, float[] dy, int channels, int n, int plane, float[] dx) {
        loops.forEach(channels, (long) n * plane, c -> {
            for (int img = 0; img < n; img++)
                for (int q = 0; q < plane; q++) dx[(c * n + img) * plane + q] = dy[(c * plane + q) * n + img];
        });
    }
}
