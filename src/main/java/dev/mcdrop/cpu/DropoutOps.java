package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;

/**
 * Bias + activation fused with dropout, and the MC-expanding first dropout, on CNHW arrays.
 * With a mask the work item is one column: its image's keep bits are drawn once (see
 * {@link ColumnMask}), then applied to each channel's plane of that column. Each worker keeps
 * its own keep-bit scratch and Philox output words (grow-only: no allocation once warm).
 */
final class DropoutOps {
    /** Philox blocks cost about as much as this many plain element updates. */
    private static final long MASK_COST = 8;

    private final WorkerPool pool;
    private final boolean[][] keepScratch;
    private final int[][] words;

    DropoutOps(WorkerPool pool) {
        this.pool = pool;
        keepScratch = new boolean[pool.size()][0];
        words = new int[pool.size()][4];
    }

    private boolean[] keep(int worker, int size) {
        if (keepScratch[worker].length < size) keepScratch[worker] = new boolean[size];
        return keepScratch[worker];
    }

    private static int maskLength(MaskSpec mask, int channels, int plane) {
        return mask.perChannel() ? channels : Math.multiplyExact(channels, plane);
    }

    /** x[c][n][i] = act(x + bias[c]), then keep ? ·1/(1−p) : 0 when mask is not null. */
    void biasActivation(float[] x, int xOffset, float[] bias, int biasOffset, int channels, int columns, int plane,
                        Activation act, MaskSpec mask) {
        boolean relu = act == Activation.RELU;
        if (mask == null) {
            Ranges.forEach(pool, channels * columns, plane, (from, to, worker) -> {
                for (int item = from; item < to; item++) {
                    int row = xOffset + item * plane;
                    float b = bias[biasOffset + item / columns];
                    for (int i = 0; i < plane; i++) {
                        float v = x[row + i] + b;
                        x[row + i] = relu ? Math.max(v, 0f) : v;
                    }
                }
            });
            return;
        }
        float scale = mask.scale();
        boolean perChannel = mask.perChannel();
        int length = maskLength(mask, channels, plane);
        Ranges.forEach(pool, columns, MASK_COST * channels * plane, (from, to, worker) -> {
            boolean[] keep = keep(worker, length);
            for (int n = from; n < to; n++) {
                ColumnMask.fill(mask, n, length, keep, words[worker]);
                for (int c = 0; c < channels; c++) {
                    int row = xOffset + (c * columns + n) * plane;
                    int bits = perChannel ? c : c * plane;
                    float b = bias[biasOffset + c];
                    for (int i = 0; i < plane; i++) {
                        float v = x[row + i] + b;
                        v = relu ? Math.max(v, 0f) : v;
                        x[row + i] = keep[perChannel ? bits : bits + i] ? v * scale : 0f;
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
        boolean perChannel = mask.perChannel();
        int length = maskLength(mask, channels, plane);
        Ranges.forEach(pool, columns, MASK_COST * channels * plane, (from, to, worker) -> {
            boolean[] keep = keep(worker, length);
            for (int n = from; n < to; n++) {
                ColumnMask.fill(mask, n, length, keep, words[worker]);
                int image = mask.pairs().batchIndexOf(n);
                for (int c = 0; c < channels; c++) {
                    int in = srcOffset + (c * images + image) * plane;
                    int out = dstOffset + (c * columns + n) * plane;
                    int bits = perChannel ? c : c * plane;
                    for (int i = 0; i < plane; i++) {
                        dst[out + i] = keep[perChannel ? bits : bits + i] ? src[in + i] * scale : 0f;
                    }
                }
            }
        });
    }
}
