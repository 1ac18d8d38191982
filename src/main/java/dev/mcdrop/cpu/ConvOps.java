package dev.mcdrop.cpu;

import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col, pooling and flatten on CNHW float arrays, split over rows/planes between workers. Each
 * op is a {@link RangeJob} kept per calling thread, so a call allocates nothing.
 */
final class ConvOps {
    private final WorkerPool pool;
    private final ThreadLocal<Im2col> im2colJobs = ThreadLocal.withInitial(Im2col::new);
    private final ThreadLocal<Pool> poolJobs;
    private final ThreadLocal<Flatten> flattenJobs = ThreadLocal.withInitial(Flatten::new);

    ConvOps(WorkerPool pool) {
        this.pool = pool;
        this.poolJobs = ThreadLocal.withInitial(() -> new Pool(pool.size()));
    }

    /**
     * in[Cg][columns][H][W] → cols[Cg·kh·kw][columns·OH·OW], Cg being one group's input channels
     * (in points at the group's first). Work item = (patch row, column):
     * one image's OH×OW block of one row; stride-1 rows are copied with vector moves/arraycopy.
     */
    void im2col(float[] in, int inOffset, ConvGeometry g, int columns, float[] cols, int colsOffset) {
        Im2col job = im2colJobs.get();
        job.in = in;
        job.inOffset = inOffset;
        job.g = g;
        job.columns = columns;
        job.cols = cols;
        job.colsOffset = colsOffset;
        job.runAll(pool, g.patchSize() * columns, (long) g.outPlane());
        job.in = job.cols = null;
    }

    private static final class Im2col extends RangeJob {
        float[] in, cols;
        int inOffset, columns, colsOffset;
        ConvGeometry g;

        @Override
        void items(int from, int to, int worker) {
            int oh = g.outHeight(), ow = g.outWidth();
            for (int item = from; item < to; item++) {
                int row = item / columns, n = item % columns;
                int kx = row % g.kernelWidth(), ky = (row / g.kernelWidth()) % g.kernelHeight();
                int ci = row / (g.kernelWidth() * g.kernelHeight());
                int plane = inOffset + (ci * columns + n) * g.inHeight() * g.inWidth();
                int dst = colsOffset + row * columns * oh * ow + n * oh * ow;
                im2colBlock(in, plane, g, ky, kx, oh, ow, cols, dst);
            }
        }
    }

    // cols[dst .. dst+OH·OW) = one kernel offset (ky, kx) of the input plane at in[plane].
    private static void im2colBlock(float[] in, int plane, ConvGeometry g, int ky, int kx,
                                    int oh, int ow, float[] cols, int dst) {
        Window win = g.window();
        int sh = win.strideHeight(), sw = win.strideWidth(), h = g.inHeight(), w = g.inWidth();
        int dy = ky * win.dilationHeight() - win.padTop(), dx = kx * win.dilationWidth() - win.padLeft();
        // Valid ox: 0 <= ox·sw + dx < w.
        int oxFirst = Math.max(0, ceilDiv(-dx, sw));
        int oxEnd = Math.max(oxFirst, Math.min(ow, ceilDiv(w - dx, sw)));
        for (int oy = 0; oy < oh; oy++, dst += ow) {
            int y = oy * sh + dy;
            if (y < 0 || y >= h || oxFirst >= oxEnd) {
                zero(cols, dst, dst + ow);
                continue;
            }
            zero(cols, dst, dst + oxFirst);
            zero(cols, dst + oxEnd, dst + ow);
            int src = plane + y * w + dx;
            if (sw != 1) {
                for (int ox = oxFirst; ox < oxEnd; ox++) cols[dst + ox] = in[src + ox * sw];
            } else if (oxEnd - oxFirst >= 32) {
                System.arraycopy(in, src + oxFirst, cols, dst + oxFirst, oxEnd - oxFirst);
            } else { // short rows (LeNet: 8 or 24): vector moves beat the arraycopy call
                copyShort(in, src + oxFirst, cols, dst + oxFirst, oxEnd - oxFirst);
            }
        }
    }

    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_512, HALF = FloatVector.SPECIES_256;
    private static final boolean HAS_512 = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512; // else not intrinsified

    // to[dst..dst+length) = from[src..src+length), for lengths under 32.
    private static void copyShort(float[] from, int src, float[] to, int dst, int length) {
        int i = 0;
        if (HAS_512) for (; i + 16 <= length; i += 16) FloatVector.fromArray(WIDE, from, src + i).intoArray(to, dst + i);
        for (; i + 8 <= length; i += 8) FloatVector.fromArray(HALF, from, src + i).intoArray(to, dst + i);
        for (; i < length; i++) to[dst + i] = from[src + i];
    }

    private static void zero(float[] a, int from, int to) {
        for (int i = from; i < to; i++) a[i] = 0f;
    }

    private static int ceilDiv(int a, int b) { return Math.floorDiv(a + b - 1, b); }

    /** planes × [H][W] → planes × [OH][OW], max or average over each window. */
    void pool(float[] in, int inOffset, PoolGeometry g, int planes, float[] out, int outOffset) {
        Pool job = poolJobs.get();
        job.in = in;
        job.inOffset = inOffset;
        job.g = g;
        job.out = out;
        job.outOffset = outOffset;
        job.runAll(pool, planes, (long) g.outPlane() * g.window().kernelHeight() * g.window().kernelWidth());
        job.in = job.out = null;
    }

    private static final class Pool extends RangeJob {
        private final float[][] rows;  // per-worker vertical-max scratch, grow-only
        float[] in, out;

        Pool(int workers) { rows = new float[workers][]; }
        int inOffset, outOffset;
        PoolGeometry g;

        private float[] scratch(int worker, int size) {
            float[] r = rows[worker];
            if (r == null || r.length < size) rows[worker] = r = new float[size];
            return r;
        }

        @Override
        void items(int from, int to, int worker) {
            int inPlane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
            float[] rows = scratch(worker, PlanePooling.scratchSize(g));
            for (int p = from; p < to; p++) PlanePooling.pool(in, inOffset + p * inPlane, g, out, outOffset + p * outPlane, rows);
        }
    }

    /** in[C][columns][plane] → out[C·plane][columns] (PyTorch flatten order, features × columns). */
    void flatten(float[] in, int inOffset, int channels, int columns, int plane, float[] out, int outOffset) {
        Flatten job = flattenJobs.get();
        job.in = in;
        job.inOffset = inOffset;
        job.columns = columns;
        job.plane = plane;
        job.out = out;
        job.outOffset = outOffset;
        job.runAll(pool, channels, (long) columns * plane);
        job.in = job.out = null;
    }

    private static final class Flatten extends RangeJob {
        float[] in, out;
        int inOffset, columns, plane, outOffset;

        @Override
        void items(int from, int to, int worker) {
            for (int c = from; c < to; c++) {
                for (int n = 0; n < columns; n++) {
                    int src = inOffset + (c * columns + n) * plane;
                    int dst = outOffset + c * plane * columns + n;
                    for (int i = 0; i < plane; i++) out[dst + i * columns] = in[src + i];
                }
            }
        }
    }
}
