package dev.mcdrop.cpu;

import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;

/**
 * Column-wise softmax and the MC reduction. Each column's softmax is computed in float64 (max
 * subtracted) and rounded once. mcAccumulate gives each worker a range of accumulator rows
 * (images), and each row receives its columns in increasing column order, so the float sums are
 * the same for any thread count and any chunking of the pairs. Jobs are kept per calling thread
 * and scratch per worker (grow-only): a call allocates nothing once warm.
 */
final class McOps {
    private final WorkerPool pool;
    private final double[][] probabilities; // per worker, [classes], grow-only
    private final ThreadLocal<Softmax> softmaxJobs = ThreadLocal.withInitial(() -> new Softmax(this));
    private final ThreadLocal<Accumulate> accumulateJobs = ThreadLocal.withInitial(() -> new Accumulate(this));

    McOps(WorkerPool pool) {
        this.pool = pool;
        probabilities = new double[pool.size()][0];
    }

    private double[] probabilities(int worker, int classes) {
        if (probabilities[worker].length < classes) probabilities[worker] = new double[classes];
        return probabilities[worker];
    }

    /** out[k][n] = softmax over k of in[·][n]. */
    void softmax(float[] in, int inOffset, int classes, int columns, float[] out, int outOffset) {
        Softmax job = softmaxJobs.get();
        job.in = in;
        job.inOffset = inOffset;
        job.classes = classes;
        job.columns = columns;
        job.out = out;
        job.outOffset = outOffset;
        job.runAll(pool, columns, 16L * classes);
        job.in = job.out = null;
    }

    private static final class Softmax extends RangeJob {
        final McOps ops;
        float[] in, out;
        int inOffset, classes, columns, outOffset;

        Softmax(McOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            double[] p = ops.probabilities(worker, classes);
            for (int n = from; n < to; n++) {
                column(in, inOffset + n, classes, columns, p);
                for (int k = 0; k < classes; k++) out[outOffset + k * columns + n] = (float) p[k];
            }
        }
    }

    /**
     * Adds p (and its Welford mean/M2 step), the argmax vote and the entropy of every column into its
     * image's accumulator row ({@link McAccumulators}).
     */
    void mcAccumulate(float[] logits, int offset, int classes, int columns, Pairs pairs, float[] acc, int accOffset) {
        Accumulate job = accumulateJobs.get();
        job.logits = logits;
        job.offset = offset;
        job.classes = classes;
        job.columns = columns;
        job.images = pairs.batchImages();
        job.firstImage = pairs.batchIndexOf(0);
        job.firstPair = pairs.firstPair();
        job.acc = acc;
        job.accOffset = accOffset;
        job.runAll(pool, job.images, 24L * classes * Math.max(1, columns / job.images));
        job.logits = job.acc = null;
    }

    private static final class Accumulate extends RangeJob {
        final McOps ops;
        float[] logits, acc;
        int offset, classes, columns, images, firstImage, accOffset;
        long firstPair;

        Accumulate(McOps ops) { this.ops = ops; }

        @Override
        void items(int from, int to, int worker) {
            double[] p = ops.probabilities(worker, classes);
            int width = McAccumulators.width(classes);
            int sum = McAccumulators.sumOffset(classes), mean = McAccumulators.meanOffset(classes);
            int m2 = McAccumulators.m2Offset(classes);
            int votes = McAccumulators.votesOffset(classes), entropyAt = McAccumulators.entropyOffset(classes);
            for (int b = from; b < to; b++) {
                int row = accOffset + b * width;
                // First column of image b: n ≡ b − firstImage (mod B), then every B-th column (the next sample).
                int first = Math.floorMod(b - firstImage, images);
                long sample = (firstPair + first) / images;
                for (int n = first; n < columns; n += images, sample++) {
                    column(logits, offset + n, classes, columns, p);
                    float count = (float) (sample + 1);
                    int best = 0;
                    double entropy = 0;
                    for (int k = 0; k < classes; k++) {
                        float pk = (float) p[k];
                        acc[row + sum + k] += pk;
                        // Welford, in the float operations mc_reduce.cu performs
                        float delta = pk - acc[row + mean + k];
                        acc[row + mean + k] += delta / count;
                        acc[row + m2 + k] += delta * (pk - acc[row + mean + k]);
                        if (p[k] > p[best]) best = k;
                        if (p[k] > 0) entropy -= p[k] * Math.log(p[k]);
                    }
                    acc[row + votes + best] += 1f;
                    acc[row + entropyAt] += (float) entropy;
                }
            }
        }
    }

    // p[k] = softmax of x[at + k·stride], k < classes, in float64.
    private static void column(float[] x, int at, int classes, int stride, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) max = Math.max(max, x[at + k * stride]);
        double total = 0;
        for (int k = 0; k < classes; k++) {
            p[k] = Math.exp(x[at + k * stride] - max);
            total += p[k];
        }
        for (int k = 0; k < classes; k++) p[k] /= total;
    }
}
