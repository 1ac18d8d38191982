package dev.mcdrop.cpu;

import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Window;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct depthwise convolution (groups = inChannels, so output channel o reads input channel
 * o / multiplier alone): MobileNet's 3×3 layers, where im2col + GEMM would be a K = 9 GEMM that
 * spends its time packing. Work item = one input plane (channel, column). The plane is first copied
 * into per-worker scratch with its zero padding around it and each padded row split into
 * {@code stride} phases (phase r holds row elements r, r + s, r + 2s, …), so that every tap
 * (ky, kx) of a whole output row reads one contiguous run: element ox·s + kx·d of the padded row
 * is element ox + ⌊kx·d/s⌋ of phase (kx·d mod s). Each output row is then computed a vector of
 * outputs at a time, all taps accumulated in a register (fused multiply-add, taps in row-major
 * order), the row's last vector stored under a mask. Any kernel, stride, dilation and pads.
 */
final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);     // 2i ≥ L selects from the second vector
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    private final WorkerPool pool;
    private final float[][] planes;  // per worker: the padded, phase-split input plane (grow-only)
    private final int[][] taps;      // per worker: each tap's offset into a padded row block
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(() -> new Job(this));

    DepthwiseConv(WorkerPool pool) {
        this.pool = pool;
        planes = new float[pool.size()][0];
        taps = new int[pool.size()][0];
    }

    /** out[outC][columns][OH·OW] = depthwise conv of in[inC][columns][H·W] with weight[outC][kh·kw] from weightOffset. */
    void conv(float[] in, int inOffset, ConvGeometry g, int columns, float[] weight, int weightOffset, float[] out, int outOffset) {
        Job job = jobs.get();
        job.in = in;
        job.inOffset = inOffset;
        job.g = g;
        job.columns = columns;
        job.weight = weight;
        job.weightOffset = weightOffset;
        job.out = out;
        job.outOffset = outOffset;
        Window w = g.window();
        job.phaseLength = ceilDiv(g.inWidth() + w.padLeft() + w.padRight(), w.strideWidth());
        job.rowStride = job.phaseLength * w.strideWidth();
        job.scratchSize = (g.inHeight() + w.padTop() + w.padBottom() + 1) * job.rowStride + 2 * L;
        long work = (long) g.groupOutChannels() * g.outPlane() * w.kernelHeight() * w.kernelWidth() + g.inPlane();
        job.runAll(pool, Math.multiplyExact(g.inChannels(), columns), work);
        job.in = job.weight = job.out = null;
        job.g = null;
    }

    private static int ceilDiv(int a, int b) { return Math.floorDiv(a + b - 1, b); }

    private static final class Job extends RangeJob {
        final DepthwiseConv ops;
        float[] in, weight, out;
        int inOffset, columns, weightOffset, outOffset, phaseLength, rowStride, scratchSize;
        ConvGeometry g;

        Job(DepthwiseConv ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            Window w = g.window();
            int kh = w.kernelHeight(), kw = w.kernelWidth(), sw = w.strideWidth();
            float[] padded = ops.planes[worker];
            if (padded.length < scratchSize) ops.planes[worker] = padded = new float[scratchSize];
            int[] tap = ops.taps[worker];
            if (tap.length < kh * kw) ops.taps[worker] = tap = new int[kh * kw];
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int dx = kx * w.dilationWidth();
                    tap[ky * kw + kx] = ky * w.dilationHeight() * rowStride + (dx % sw) * phaseLength + dx / sw;
                }
            int multiplier = g.groupOutChannels(), oh = g.outHeight(), ow = g.outWidth(), outPlane = g.outPlane();
            for (int item = from; item < to; item++) {
                int ci = item / columns, n = item % columns;
                fill(padded, inOffset + item * g.inPlane());
                for (int j = 0; j < multiplier; j++) {
                    int o = ci * multiplier + j;
                    int wo = weightOffset + o * kh * kw;
                    int dst = outOffset + (o * columns + n) * outPlane;
                    for (int oy = 0; oy < oh; oy++) {
                        int base = oy * w.strideHeight() * rowStride;
                        if (kh * kw == 9) row9(padded, base, tap, wo, out, dst + oy * ow, ow);
                        else row(padded, base, tap, kh * kw, wo, out, dst + oy * ow, ow);
                    }
                }
            }
        }

        // out[dst .. dst + ow) = Σ_t weight[wo + t]·padded[base + tap[t] + ox].
        private void row(float[] padded, int base, int[] tap, int taps, int wo, float[] out, int dst, int ow) {
            for (int ox = 0; ox < ow; ox += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    acc = FloatVector.fromArray(S, padded, base + tap[t] + ox).fma(FloatVector.broadcast(S, weight[wo + t]), acc);
                }
                if (ox + L <= ow) acc.intoArray(out, dst + ox);
                else acc.intoArray(out, dst + ox, S.indexInRange(ox, ow));
            }
        }

        // row for nine taps (3×3, MobileNet's): weights and offsets in registers, the same sums in the same order.
        private void row9(float[] padded, int base, int[] tap, int wo, float[] out, int dst, int ow) {
            FloatVector w0 = FloatVector.broadcast(S, weight[wo]), w1 = FloatVector.broadcast(S, weight[wo + 1]);
            FloatVector w2 = FloatVector.broadcast(S, weight[wo + 2]), w3 = FloatVector.broadcast(S, weight[wo + 3]);
            FloatVector w4 = FloatVector.broadcast(S, weight[wo + 4]), w5 = FloatVector.broadcast(S, weight[wo + 5]);
            FloatVector w6 = FloatVector.broadcast(S, weight[wo + 6]), w7 = FloatVector.broadcast(S, weight[wo + 7]);
            FloatVector w8 = FloatVector.broadcast(S, weight[wo + 8]);
            int t0 = base + tap[0], t1 = base + tap[1], t2 = base + tap[2], t3 = base + tap[3], t4 = base + tap[4];
            int t5 = base + tap[5], t6 = base + tap[6], t7 = base + tap[7], t8 = base + tap[8];
            for (int ox = 0; ox < ow; ox += L) {
                FloatVector acc = FloatVector.fromArray(S, padded, t0 + ox).mul(w0);
                acc = FloatVector.fromArray(S, padded, t1 + ox).fma(w1, acc);
                acc = FloatVector.fromArray(S, padded, t2 + ox).fma(w2, acc);
                acc = FloatVector.fromArray(S, padded, t3 + ox).fma(w3, acc);
                acc = FloatVector.fromArray(S, padded, t4 + ox).fma(w4, acc);
                acc = FloatVector.fromArray(S, padded, t5 + ox).fma(w5, acc);
                acc = FloatVector.fromArray(S, padded, t6 + ox).fma(w6, acc);
                acc = FloatVector.fromArray(S, padded, t7 + ox).fma(w7, acc);
                acc = FloatVector.fromArray(S, padded, t8 + ox).fma(w8, acc);
                if (ox + L <= ow) acc.intoArray(out, dst + ox);
                else acc.intoArray(out, dst + ox, S.indexInRange(ox, ow));
            }
        }

        /**
         * One input row into the two phases of a stride-2 padded row: input element x is padded
         * column left + x, so the evens go to one phase and the odds to the other, each a
         * contiguous run: two-vector shuffles (as {@link MaxPool2x2}) split 2L inputs at a time.
         */
        private void fillStride2(float[] padded, int row, int from, int left, int width) {
            java.util.Arrays.fill(padded, row, row + rowStride, 0f);
            int evens = row + (left & 1) * phaseLength + (left >> 1);
            int odds = row + ((left + 1) & 1) * phaseLength + ((left + 1) >> 1);
            int x = 0;
            for (; x + 2 * L <= width; x += 2 * L) {
                FloatVector a = FloatVector.fromArray(S, in, from + x), b = FloatVector.fromArray(S, in, from + x + L);
                a.rearrange(EVEN, b).intoArray(padded, evens + (x >> 1));
                a.rearrange(ODD, b).intoArray(padded, odds + (x >> 1));
            }
            for (; x < width; x++) padded[((x & 1) == 0 ? evens : odds) + (x >> 1)] = in[from + x];
        }

        // The input plane at in[src] into padded: zero borders, each padded row split into stride phases.
        private void fill(float[] padded, int src) {
            Window w = g.window();
            int h = g.inHeight(), width = g.inWidth(), top = w.padTop(), bottom = w.padBottom(), left = w.padLeft();
            int sw = w.strideWidth();
            java.util.Arrays.fill(padded, 0, top * rowStride, 0f);
            java.util.Arrays.fill(padded, (top + h) * rowStride, (top + h + bottom) * rowStride, 0f);
            for (int y = 0; y < h; y++) {
                int row = (top + y) * rowStride, from = src + y * width;
                if (sw == 1) {
                    java.util.Arrays.fill(padded, row, row + left, 0f);
                    System.arraycopy(in, from, padded, row + left, width);
                    java.util.Arrays.fill(padded, row + left + width, row + rowStride, 0f);
                    continue;
                }
                if (sw == 2) {
                    fillStride2(padded, row, from, left, width);
                    continue;
                }
                // phase r, slot q holds padded column q·sw + r: strided reads, contiguous writes, no division per element
                for (int r = 0; r < sw; r++) {
                    int base = row + r * phaseLength;
                    int qFirst = Math.min(phaseLength, Math.max(0, ceilDiv(left - r, sw)));
                    int qEnd = Math.max(qFirst, Math.min(phaseLength, ceilDiv(left + width - r, sw)));
                    java.util.Arrays.fill(padded, base, base + qFirst, 0f);
                    for (int q = qFirst, x = q * sw + r - left; q < qEnd; q++, x += sw) padded[base + q] = in[from + x];
                    java.util.Arrays.fill(padded, base + qEnd, base + phaseLength, 0f);
                }
            }
        }
    }
}
