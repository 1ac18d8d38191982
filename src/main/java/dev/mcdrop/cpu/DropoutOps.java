package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;

/**
 * Bias + activation fused with dropout, and the MC-expanding first dropout, on CNHW arrays.
 * Work item = one (channel, column) row of {@code plane} elements; each worker keeps its own
 * keep-bit row and Philox output words (grow-only, so no allocation once warm).
 */
final class DropoutOps {
    private final WorkerPool pool;
    private final boolean[][] keepRows;
    private final int[][] words;

    DropoutOps(WorkerPool pool) {
        this.pool = pool;
        keepRows = new boolean[pool.size()][0];
        words = new int[pool.size()][4];
    }

    private boolean[] keepRow(int worker, int plane) {
        if (keepRows[worker].length < plane) keepRows[worker] = new boolean[plane];
        return keepRows[worker];
    }

    /** x[c][n][i] = act(x + bias[c]), then keep ? ·1/(1−p) : 0 when mask is not null. */
    void biasActivation(float[] x, int xOffset, float[] bias, int biasOffset, int channels, int columns, int plane,
                        Activation act, MaskSpec mask) {
        boolean relu = act == Activation.RELU;
        Ranges.forEach(pool, channels * columns, mask == null ? plane : 8L * plane, (from, to, worker) -> {
            boolean[] keep = mask == null ? null : keepRow(worker, plane);
            float scale = mask == null ? 1f : mask.scale();
            for (int item = from; item < to; item++) {
                int c = item / columns, n = item % columns;
                int row = xOffset + item * plane;
                float b = bias[biasOffset + c];
                if (mask == null) {
                    for (int i = 0; i < plane; i++) {
                        float v = x[row + i] + b;
                        x[row + i] = relu ? Math.max(v, 0f) : v;
                    }
                } else {
                    DropoutRows.fill(mask, n, c, plane, keep, words[worker]);
                    for (int i = 0; i < plane; i++) {
                        float v = x[row + i] + b;
                        v = relu ? Math.max(v, 0f) : v;
                        x[row + i] = keep[i] ? v * scale : 0f;
                    }
                }
            }
        });
    }

    /** dst[c][n][i] = keep ? src[c][b(n)][i]·1/(1−p) : 0, src being [channels][batchImages][plane]. */
    void expandDropout(float[] src, int srcOffset, float[] dst, int dstOffset,
                       int channels, int columns, int plane, MaskSpec mask) {
        int images = mask.pairs().batchImages();
        float scale = mask.scale();
        Ranges.forEach(pool, channels * columns, 8L * plane, (from, to, worker) -> {
            boolean[] keep = keepRow(worker, plane);
            for (int item = from; item < to; item++) {
                int c = item / columns, n = item % columns;
                int in = srcOffset + (c * images + mask.pairs().batchIndexOf(n)) * plane;
                int out = dstOffset + item * plane;
                DropoutRows.fill(mask, n, c, plane, keep, words[worker]);
                for (int i = 0; i < plane; i++) dst[out + i] = keep[i] ? src[in + i] * scale : 0f;
            }
        });
    }
}
