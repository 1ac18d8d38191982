package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.rng.PhiloxBulk;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The graph's general epilogue on a CNHW array, in place:
 * {@code x = mask(act(x·scale[c] + bias[c] + residual))}, every part optional (see
 * {@link dev.mcdrop.backend.Epilogue}). Without a mask the work item is a (channel, column) row and
 * consecutive rows of one channel run as one stretch (a dense layer's plane of 1 is then a whole
 * channel row); with one, the item is a column whose mask multipliers are drawn once by
 * {@link ColumnMask}, as {@link DropoutOps} does, so the kept elements are the reference's bit for bit
 * (a dense layer's columns in blocks of 16, applied along channel rows).
 * Identity, ReLU, leaky ReLU and clip run a vector at a time; sigmoid, tanh and GELU call
 * {@link Activation#apply(float)} per element (they go through float64 library functions).
 */
final class EpilogueOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final long MASK_COST = 8; // Philox blocks per element, in plain element updates

    private final WorkerPool pool;
    /** Dense-layer columns whose masks are drawn together (as in {@link DropoutOps}). */
    private static final int DENSE_BLOCK = 16;

    private final float[][] multScratch, groupScratch, denseScratch;
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(() -> new Job(this));

    EpilogueOps(WorkerPool pool) {
        this.pool = pool;
        multScratch = new float[pool.size()][0];
        groupScratch = new float[pool.size()][PhiloxBulk.GROUP];
        denseScratch = new float[pool.size()][0];
    }

    /**
     * x[xOffset ..] = mask(act(x·scale[c] + bias[c] + residual)); scale, bias, residual (laid out
     * like x, from 0) and mask may be null.
     */
    void apply(float[] x, int xOffset, int channels, int columns, int plane,
               float[] scale, float[] bias, float[] residual, Activation act, MaskSpec mask) {
        Job job = jobs.get();
        job.x = x;
        job.xOffset = xOffset;
        job.channels = channels;
        job.columns = columns;
        job.plane = plane;
        job.scale = scale;
        job.bias = bias;
        job.residual = residual;
        job.act = act;
        job.mask = mask;
        if (mask == null) {
            job.runAll(pool, channels * columns, plane);
        } else {
            job.length = mask.perChannel() ? channels : Math.multiplyExact(channels, plane);
            job.runAll(pool, columns, MASK_COST * channels * plane);
        }
        job.x = job.scale = job.bias = job.residual = null;
        job.act = null;
        job.mask = null;
    }

    private static final class Job extends RangeJob {
        final EpilogueOps ops;
        float[] x, scale, bias, residual;
        int xOffset, channels, columns, plane, length;
        Activation act;
        MaskSpec mask;

        Job(EpilogueOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            if (mask == null) {
                // (channel, column) rows; a channel's consecutive rows are contiguous
                for (int item = from; item < to; ) {
                    int c = item / columns, end = Math.min(to, (c + 1) * columns);
                    int at = item * plane;
                    row(x, xOffset + at, c, at, null, 0, 0f, (end - item) * plane);
                    item = end;
                }
                return;
            }
            if (plane == 1) {
                denseColumns(from, to, worker);
                return;
            }
            float[] mult = ops.multScratch[worker];
            if (mult.length < length) ops.multScratch[worker] = mult = new float[length];
            for (int n = from; n < to; n++) {
                ColumnMask.fill(mask, n, length, mult, ops.groupScratch[worker]);
                for (int c = 0; c < channels; c++) {
                    int at = (c * columns + n) * plane;
                    if (mask.perChannel()) {
                        float m = mult[c];
                        if (m == 0f) java.util.Arrays.fill(x, xOffset + at, xOffset + at + plane, 0f);
                        else row(x, xOffset + at, c, at, null, 0, m, plane);
                    } else {
                        row(x, xOffset + at, c, at, mult, c * plane, 0f, plane);
                    }
                }
            }
        }

        /**
         * A dense layer's x[channels][columns] (plane 1, where a per-channel mask and an element
         * mask are both one multiplier per unit): the masks of up to {@link #DENSE_BLOCK} columns
         * are drawn, transposed to channel-major and applied along each channel's contiguous row
         * segment, as {@link DropoutOps} does, instead of striding through memory column by column.
         */
        private void denseColumns(int from, int to, int worker) {
            float[] mult = ops.multScratch[worker];
            if (mult.length < DENSE_BLOCK * length) ops.multScratch[worker] = mult = new float[DENSE_BLOCK * length];
            float[] byChannel = ops.denseScratch[worker];
            if (byChannel.length < DENSE_BLOCK * channels) ops.denseScratch[worker] = byChannel = new float[DENSE_BLOCK * channels];
            for (int n0 = from; n0 < to; n0 += DENSE_BLOCK) {
                int nb = Math.min(DENSE_BLOCK, to - n0);
                for (int j = 0; j < nb; j++) ColumnMask.fill(mask, n0 + j, length, mult, j * length, ops.groupScratch[worker]);
                for (int j = 0; j < nb; j++)
                    for (int c = 0; c < channels; c++) byChannel[c * DENSE_BLOCK + j] = mult[j * length + c];
                for (int c = 0; c < channels; c++) {
                    int at = c * columns + n0;
                    row(x, xOffset + at, c, at, byChannel, c * DENSE_BLOCK, 0f, nb);
                }
            }
        }

        /**
         * x[o .. o + length) of channel c, the residual read from element {@code at} of its tensor;
         * the mask is the element multipliers mult[mo ..] or, without them, a nonzero per-row keep
         * scale (0: no mask).
         */
        private void row(float[] x, int o, int c, int at, float[] mult, int mo, float keep, int length) {
            boolean hasScale = scale != null, hasBias = bias != null;
            float s = hasScale ? scale[c] : 1f, b = hasBias ? bias[c] : 0f;
            float[] res = residual;
            int r = at;
            Activation.Kind kind = act.kind();
            boolean vectorAct = kind == Activation.Kind.IDENTITY || kind == Activation.Kind.RELU
                    || kind == Activation.Kind.LEAKY_RELU || kind == Activation.Kind.CLIP;
            int i = 0;
            if (vectorAct) {
                float alpha = act.alpha(), beta = act.beta();
                for (int bound = S.loopBound(length); i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, o + i);
                    if (hasScale) v = v.mul(s);
                    if (hasBias) v = v.add(b);
                    if (res != null) v = v.add(FloatVector.fromArray(S, res, r + i));
                    switch (kind) {
                        case RELU -> v = v.blend(ZERO, v.compare(VectorOperators.LE, 0f)); // Math.max(v, 0f)
                        case LEAKY_RELU -> v = v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f));
                        case CLIP -> v = v.lanewise(VectorOperators.MAX, alpha).lanewise(VectorOperators.MIN, beta);
                        default -> { }
                    }
                    if (mult != null) {
                        FloatVector mv = FloatVector.fromArray(S, mult, mo + i);
                        v = v.mul(mv).blend(ZERO, mv.compare(VectorOperators.EQ, 0f));
                    } else if (keep != 0f) {
                        v = v.mul(keep);
                    }
                    v.intoArray(x, o + i);
                }
            }
            for (; i < length; i++) {
                float v = x[o + i];
                if (hasScale) v *= s;
                if (hasBias) v += b;
                if (res != null) v += res[r + i];
                v = act.apply(v);
                if (mult != null) {
                    float mm = mult[mo + i];
                    v = mm != 0f ? v * mm : 0f;
                } else if (keep != 0f) {
                    v *= keep;
                }
                x[o + i] = v;
            }
        }
    }
}
