package dev.mcdrop.cpu;

import static dev.mcdrop.cpu.SgemmKernel.NR;

import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Window;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Implicit im2col: packs blocks of the im2col matrix {@code cols[Cin·kh·kw][N·OH·OW]} straight
 * from the CNHW input into the GEMM's B panels, so a convolution never writes (and re-reads) the
 * whole matrix — for LeNet's conv2 that is 128 KB per sample through main memory, replaced by
 * 32-column slivers that stay in L1/L2. Same values as {@link ConvOps#im2col}, so the GEMM result
 * is bit-identical to im2col + gemm.
 */
final class Im2colPanels implements Sgemm.PanelSource {
    private float[] in;
    private int inOffset;
    private ConvGeometry g;
    private int channelStride;           // columns·H·W
    private int[] columnBase = new int[0];  // per output column j: n·H·W + (oy·sh − top)·W + (ox·sw − left)
    private int[] columnY = new int[0], columnX = new int[0]; // oy·sh − top, ox·sw − left

    /**
     * Points at a new input (for a grouped convolution: the group's first input channel; the
     * group's channels are the patch rows); precomputes per-column offsets (grow-only arrays).
     */
    Im2colPanels reset(float[] in, int inOffset, ConvGeometry g, int columns) {
        this.in = in;
        this.inOffset = inOffset;
        this.g = g;
        int plane = g.outPlane(), n = Math.multiplyExact(columns, plane);
        channelStride = Math.multiplyExact(columns, g.inPlane());
        Window w = g.window();
        if (columnBase.length < n) {
            columnBase = new int[n];
            columnY = new int[n];
            columnX = new int[n];
        }
        for (int j = 0, col = 0; col < columns; col++)
            for (int oy = 0; oy < g.outHeight(); oy++)
                for (int ox = 0; ox < g.outWidth(); ox++, j++) {
                    int y = oy * w.strideHeight() - w.padTop(), x = ox * w.strideWidth() - w.padLeft();
                    columnY[j] = y;
                    columnX[j] = x;
                    columnBase[j] = col * g.inPlane() + y * g.inWidth() + x;
                }
        return this;
    }

    void release() { in = null; }

    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;

    private static void copyRun(float[] src, int from, float[] dst, int to, int length) {
        if (length == 8) {
            FloatVector.fromArray(S8, src, from).intoArray(dst, to);
        } else if (length == 16) {
            FloatVector.fromArray(S16, src, from).intoArray(dst, to);
        } else {
            System.arraycopy(src, from, dst, to, length);
        }
    }

    /** bp[sliver][p][jj] = cols[p0 + p][j0 + js + jj], zero-padded to NR columns (as SgemmPacking.packB). */
    @Override
    public void pack(int p0, int kc, int j0, int nc, float[] bp) {
        int kh = g.kernelHeight(), kw = g.kernelWidth(), w = g.inWidth(), h = g.inHeight();
        Window window = g.window();
        int dh = window.dilationHeight(), dw = window.dilationWidth();
        boolean padded = window.hasPadding();
        int ow = g.outWidth();
        // Stride 1, no padding, output rows tiling the sliver: each sliver row is NR/ow runs of ow
        // contiguous input floats (LeNet conv2: 4 runs of 8) — vector copies instead of gathers.
        // Workers pack concurrently from this one object: everything per call stays in locals.
        boolean runs = !padded && window.strideWidth() == 1 && dw == 1 && NR % ow == 0 && (ow == 8 || ow == 16 || ow == NR) && NR / ow <= 4;
        int dst = 0;
        for (int js = 0; js < nc; js += NR) {
            int cols = Math.min(NR, nc - js), jBase = j0 + js;
            boolean sliverRuns = runs && cols == NR && jBase % ow == 0;
            int runCount = sliverRuns ? NR / ow : 0;   // 1, 2 or 4 runs, their input offsets hoisted
            int b0 = runCount > 0 ? columnBase[jBase] : 0, b1 = runCount > 1 ? columnBase[jBase + ow] : 0;
            int b2 = runCount > 2 ? columnBase[jBase + 2 * ow] : 0, b3 = runCount > 3 ? columnBase[jBase + 3 * ow] : 0;
            // (ci, ky, kx) of row p, stepped instead of divided: two integer divisions per row cost
            // more than the row's vector copies
            int ci = p0 / (kh * kw), r0 = p0 - ci * kh * kw, ky = r0 / kw, kx = r0 - ky * kw;
            for (int p = p0; p < p0 + kc; p++, dst += NR) {
                int cy = ky * dh, cx = kx * dw;
                int shift = inOffset + ci * channelStride + cy * w + cx;
                if (++kx == kw) {
                    kx = 0;
                    if (++ky == kh) { ky = 0; ci++; }
                }
                if (sliverRuns) {
                    copyRun(in, shift + b0, bp, dst, ow);
                    if (runCount > 1) copyRun(in, shift + b1, bp, dst + ow, ow);
                    if (runCount > 2) {
                        copyRun(in, shift + b2, bp, dst + 2 * ow, ow);
                        copyRun(in, shift + b3, bp, dst + 3 * ow, ow);
                    }
                    continue;
                }
                gather(bp, dst, shift, jBase, cols, padded ? cy : Integer.MIN_VALUE, cx, h, w);
            }
        }
    }

    /**
     * One sliver row by gathering: bp[dst + jj] = input at shift + columnBase[jBase + jj], or 0
     * where the tap (columnY + cy, columnX + cx) falls in the padding (cy = MIN_VALUE: no padding),
     * zero-filled to NR. Out of {@link #pack} to keep that method small enough for the JIT to
     * compile its vector copies without boxing them.
     */
    private void gather(float[] bp, int dst, int shift, int jBase, int cols, int cy, int cx, int h, int w) {
        if (cy == Integer.MIN_VALUE) {
            for (int jj = 0; jj < cols; jj++) bp[dst + jj] = in[shift + columnBase[jBase + jj]];
        } else {
            for (int jj = 0; jj < cols; jj++) {
                int y = columnY[jBase + jj] + cy, x = columnX[jBase + jj] + cx;
                bp[dst + jj] = y >= 0 && y < h && x >= 0 && x < w ? in[shift + columnBase[jBase + jj]] : 0f;
            }
        }
        for (int jj = cols; jj < NR; jj++) bp[dst + jj] = 0f;
    }
}
