package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.rng.PhiloxBulk;

/**
 * Bias + activation fused with dropout, and the MC-expanding first dropout, each optionally fused
 * with the pooling after it, on CNHW arrays. With a mask the work item is one column: its image's
 * mask multipliers are drawn once (see {@link ColumnMask}), then applied to each channel's plane
 * of that column. Without one, the item is a (channel, column) row. Jobs are kept per calling
 * thread, scratch per worker (grow-only): a call allocates nothing once warm.
 */
final class DropoutOps {
    /** Philox blocks cost about as much as this many plain element updates. */
    private static final long MASK_COST = 8;

    private final WorkerPool pool;
    /** Columns whose dense-layer masks are drawn together, then applied along each channel's row. */
    private static final int DENSE_BLOCK = 16;

    private final float[][] multScratch, denseScratch; // per worker: mask multipliers; a block's, channel-major
    private final float[][] groupScratch;
    private final float[][] planeScratch, rowScratch; // fused pooling: one masked plane, pooling rows
    private final ThreadLocal<Bias> biasJobs = ThreadLocal.withInitial(() -> new Bias(this));
    private final ThreadLocal<Expand> expandJobs = ThreadLocal.withInitial(() -> new Expand(this));
    private final ThreadLocal<BiasPool> biasPoolJobs = ThreadLocal.withInitial(() -> new BiasPool(this));

    DropoutOps(WorkerPool pool) {
        this.pool = pool;
        multScratch = new float[pool.size()][0];
        denseScratch = new float[pool.size()][0];
        groupScratch = new float[pool.size()][PhiloxBulk.GROUP];
        planeScratch = new float[pool.size()][0];
        rowScratch = new float[pool.size()][0];
    }

    private static float[] grown(float[][] perWorker, int worker, int size) {
        if (perWorker[worker].length < size) perWorker[worker] = new float[size];
        return perWorker[worker];
    }

    private float[] mult(int worker, int size) {
        if (multScratch[worker].length < size) multScratch[worker] = new float[size];
        return multScratch[worker];
    }

    private static int maskLength(MaskSpec mask, int channels, int plane) {
        return mask.perChannel() ? channels : Math.multiplyExact(channels, plane);
    }

    /** x[c][n][i] = act(x + bias[c]), then keep ? ·1/(1−p) : 0 when mask is not null. */
    void biasActivation(float[] x, int xOffset, float[] bias, int biasOffset, int channels, int columns, int plane,
                        Activation act, MaskSpec mask) {
        Bias job = biasJobs.get();
        job.x = x;
        job.xOffset = xOffset;
        job.bias = bias;
        job.biasOffset = biasOffset;
        job.channels = channels;
        job.columns = columns;
        job.plane = plane;
        job.relu = act == Activation.RELU;
        job.mask = mask;
        if (mask == null) {
            job.runAll(pool, channels * columns, plane);
        } else {
            job.length = maskLength(mask, channels, plane);
            job.runAll(pool, columns, MASK_COST * channels * plane);
        }
        job.x = job.bias = null;
        job.mask = null;
    }

    /**
     * dst[c][n] = pool(mask(act(x[c][n] + bias[c]))): each plane is transformed in place with the
     * same vector and scalar steps as {@link #biasActivation} and pooled by {@link PlanePooling}
     * while it is in cache: the same bits as the two ops. Work item = column; x is clobbered.
     */
    void biasActivationPool(float[] x, int xOffset, float[] bias, int biasOffset, int channels, int columns, PoolGeometry g,
                            Activation act, MaskSpec mask, float[] dst, int dstOffset) {
        BiasPool job = biasPoolJobs.get();
        job.x = x;
        job.xOffset = xOffset;
        job.bias = bias;
        job.biasOffset = biasOffset;
        job.channels = channels;
        job.columns = columns;
        job.pooling = g;
        job.relu = act == Activation.RELU;
        job.mask = mask;
        job.dst = dst;
        job.dstOffset = dstOffset;
        int plane = g.height() * g.width();
        job.length = mask == null ? 0 : maskLength(mask, channels, plane);
        job.runAll(pool, columns, (mask == null ? 1 : MASK_COST) * channels * plane);
        job.x = job.bias = job.dst = null;
        job.mask = null;
        job.pooling = null;
    }

    private static final class BiasPool extends RangeJob {
        final DropoutOps ops;
        float[] x, bias, dst;
        int xOffset, biasOffset, channels, columns, length, dstOffset;
        boolean relu;
        MaskSpec mask;
        PoolGeometry pooling;

        BiasPool(DropoutOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            int plane = pooling.height() * pooling.width(), outPlane = pooling.outHeight() * pooling.outWidth();
            float[] rows = grown(ops.rowScratch, worker, PlanePooling.scratchSize(pooling));
            float[] mult = mask == null ? null : ops.mult(worker, length);
            for (int n = from; n < to; n++) {
                if (mask != null) ColumnMask.fill(mask, n, length, mult, ops.groupScratch[worker]);
                for (int c = 0; c < channels; c++) {
                    int row = xOffset + (c * columns + n) * plane;
                    float b = bias[biasOffset + c];
                    if (mask == null) {
                        for (int i = 0; i < plane; i++) {
                            float v = x[row + i] + b;
                            x[row + i] = relu ? Math.max(v, 0f) : v;
                        }
                    } else if (!mask.perChannel()) {
                        MaskApply.biasActMasked(x, row, b, relu, mult, c * plane, plane);
                    } else {
                        float m = mult[c];
                        for (int i = 0; i < plane; i++) {
                            float v = x[row + i] + b;
                            v = relu ? Math.max(v, 0f) : v;
                            x[row + i] = m != 0f ? v * m : 0f;
                        }
                    }
                    PlanePooling.pool(x, row, pooling, dst, dstOffset + (c * columns + n) * outPlane, rows);
                }
            }
        }
    }

    private static final class Bias extends RangeJob {
        final DropoutOps ops;
        float[] x, bias;
        int xOffset, biasOffset, channels, columns, plane, length;
        boolean relu;
        MaskSpec mask;

        Bias(DropoutOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            if (mask == null) {
                rows(from, to);
            } else {
                maskedColumns(from, to, worker);
            }
        }

        // Items are (channel, column) rows.
        private void rows(int from, int to) {
            for (int item = from; item < to; item++) {
                int row = xOffset + item * plane;
                float b = bias[biasOffset + item / columns];
                for (int i = 0; i < plane; i++) {
                    float v = x[row + i] + b;
                    x[row + i] = relu ? Math.max(v, 0f) : v;
                }
            }
        }

        // Items are columns.
        private void maskedColumns(int from, int to, int worker) {
            if (plane == 1 && !mask.perChannel()) {
                maskedDenseColumns(from, to, worker);
                return;
            }
            float[] mult = ops.mult(worker, length);
            boolean perChannel = mask.perChannel();
            for (int n = from; n < to; n++) {
                ColumnMask.fill(mask, n, length, mult, ops.groupScratch[worker]);
                for (int c = 0; c < channels; c++) {
                    int row = xOffset + (c * columns + n) * plane;
                    float b = bias[biasOffset + c];
                    if (!perChannel) {
                        MaskApply.biasActMasked(x, row, b, relu, mult, c * plane, plane);
                        continue;
                    }
                    float m = mult[c];
                    for (int i = 0; i < plane; i++) {
                        float v = x[row + i] + b;
                        v = relu ? Math.max(v, 0f) : v;
                        x[row + i] = m != 0f ? v * m : 0f;
                    }
                }
            }
        }

        /**
         * A dense layer's x[channels][columns] (plane 1): one column's units are {@code columns} floats
         * apart, so masking column by column strides through memory. Instead the masks of up to
         * {@link #DENSE_BLOCK} columns are drawn, transposed to channel-major, and applied along each
         * channel's contiguous row segment, a vector at a time; the same operations per element, so the
         * same bits.
         */
        private void maskedDenseColumns(int from, int to, int worker) {
            float[] mult = ops.mult(worker, DENSE_BLOCK * length);                      // [block column][channel]
            float[] byChannel = grown(ops.denseScratch, worker, DENSE_BLOCK * channels); // [channel][block column]
            for (int n0 = from; n0 < to; n0 += DENSE_BLOCK) {
                int nb = Math.min(DENSE_BLOCK, to - n0);
                for (int j = 0; j < nb; j++) ColumnMask.fill(mask, n0 + j, length, mult, j * length, ops.groupScratch[worker]);
                for (int j = 0; j < nb; j++)
                    for (int c = 0; c < channels; c++) byChannel[c * DENSE_BLOCK + j] = mult[j * length + c];
                for (int c = 0; c < channels; c++) {
                    MaskApply.biasActMasked(x, xOffset + c * columns + n0, bias[biasOffset + c], relu, byChannel, c * DENSE_BLOCK, nb);
                }
            }
        }
    }

    /** dst[c][n][i] = keep ? src[c][b(n)][i]·1/(1−p) : 0, src being [channels][batchImages][plane]. */
    void expandDropout(float[] src, int srcOffset, float[] dst, int dstOffset,
                       int channels, int columns, int plane, MaskSpec mask) {
        expand(src, srcOffset, dst, dstOffset, channels, columns, plane, mask, null);
    }

    /**
     * dst[c][n] = pool(expandDropout(src)[c][n]), each masked plane pooled while it is in cache;
     * same bits as the two ops ({@link PlanePooling} is the pooling of {@link ConvOps#pool}).
     */
    void expandDropoutPool(float[] src, int srcOffset, int channels, int columns, PoolGeometry g, MaskSpec mask,
                           float[] dst, int dstOffset) {
        expand(src, srcOffset, dst, dstOffset, channels, columns, g.height() * g.width(), mask, g);
    }

    private void expand(float[] src, int srcOffset, float[] dst, int dstOffset,
                        int channels, int columns, int plane, MaskSpec mask, PoolGeometry pooling) {
        Expand job = expandJobs.get();
        job.src = src;
        job.srcOffset = srcOffset;
        job.dst = dst;
        job.dstOffset = dstOffset;
        job.channels = channels;
        job.columns = columns;
        job.plane = plane;
        job.mask = mask;
        job.pooling = pooling;
        job.length = maskLength(mask, channels, plane);
        job.runAll(pool, columns, MASK_COST * channels * plane);
        job.src = job.dst = null;
        job.mask = null;
        job.pooling = null;
    }

    private static final class Expand extends RangeJob {
        final DropoutOps ops;
        float[] src, dst;
        int srcOffset, dstOffset, channels, columns, plane, length;
        MaskSpec mask;
        PoolGeometry pooling; // null: write the masked planes themselves

        Expand(DropoutOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            float[] mult = ops.mult(worker, length);
            int images = mask.pairs().batchImages();
            boolean perChannel = mask.perChannel();
            // Fused pooling: mask a plane into scratch (it stays in L1), then pool it into dst.
            float[] planeOut = pooling == null ? dst : grown(ops.planeScratch, worker, plane);
            float[] rows = pooling == null ? null : grown(ops.rowScratch, worker, PlanePooling.scratchSize(pooling));
            int outPlane = pooling == null ? plane : pooling.outHeight() * pooling.outWidth();
            for (int n = from; n < to; n++) {
                ColumnMask.fill(mask, n, length, mult, ops.groupScratch[worker]);
                int image = mask.pairs().batchIndexOf(n);
                for (int c = 0; c < channels; c++) {
                    int in = srcOffset + (c * images + image) * plane;
                    int out = dstOffset + (c * columns + n) * outPlane;
                    int at = pooling == null ? out : 0;
                    if (!perChannel) {
                        MaskApply.masked(src, in, mult, c * plane, planeOut, at, plane);
                    } else {
                        float m = mult[c];
                        for (int i = 0; i < plane; i++) planeOut[at + i] = m != 0f ? src[in + i] * m : 0f;
                    }
                    if (pooling != null) PlanePooling.pool(planeOut, 0, pooling, dst, out, rows);
                }
            }
        }
    }
}
