package dev.mcdrop.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.mcdrop.cpu.SgemmKernel.LANES;
import static dev.mcdrop.cpu.SgemmKernel.MR;
import static dev.mcdrop.cpu.SgemmKernel.NR;
import static dev.mcdrop.cpu.SgemmKernel.SPECIES;

/**
 * Copies blocks of A and B into the micro-kernel's panel order, zero-padding ragged edges so the
 * kernel never needs a remainder path:
 * A block [mc×kc] → slivers of MR rows, each {@code ap[p·MR + r]} for p in 0..kc;
 * B block [kc×nc] → slivers of NR columns, each {@code bp[p·NR + j]}.
 */
final class SgemmPacking {
    private SgemmPacking() {}

    /**
     * Packs op(A)[i0..i0+mc][p0..p0+kc]. Not transposed: A[i][p] = a[ao + i·lda + p];
     * transposed (stored k×m): A[i][p] = a[ao + p·lda + i].
     */
    static void packA(boolean transA, float[] a, int ao, int lda, int i0, int mc, int p0, int kc, float[] ap) {
        int dst = 0;
        for (int is = 0; is < mc; is += MR) {
            int rows = Math.min(MR, mc - is);
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = ao + (p0 + p) * lda + i0 + is;
                    int r = 0;
                    for (; r < rows; r++) ap[dst + r] = a[src + r];
                    for (; r < MR; r++) ap[dst + r] = 0f;
                    dst += MR;
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < rows) {
                        int src = ao + (i0 + is + r) * lda + p0;
                        for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = 0f;
                    }
                }
                dst += kc * MR;
            }
        }
    }

    /**
     * Packs op(B)[p0..p0+kc][j0..j0+nc]. Not transposed: B[p][j] = b[bo + p·ldb + j];
     * transposed (stored n×k): B[p][j] = b[bo + j·ldb + p].
     */
    static void packB(boolean transB, float[] b, int bo, int ldb, int p0, int kc, int j0, int nc, float[] bp) {
        int dst = 0;
        for (int js = 0; js < nc; js += NR) {
            int cols = Math.min(NR, nc - js);
            if (!transB && cols == NR) { // full sliver: two vector moves per row, no call overhead
                for (int p = 0; p < kc; p++, dst += NR) {
                    int src = bo + (p0 + p) * ldb + j0 + js;
                    FloatVector.fromArray(SPECIES, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(SPECIES, b, src + LANES).intoArray(bp, dst + LANES);
                }
            } else if (!transB) {
                for (int p = 0; p < kc; p++, dst += NR) {
                    int src = bo + (p0 + p) * ldb + j0 + js;
                    System.arraycopy(b, src, bp, dst, cols);
                    for (int j = cols; j < NR; j++) bp[dst + j] = 0f;
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bo + (j0 + js + j) * ldb + p0;
                        for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = 0f;
                    }
                }
                dst += kc * NR;
            }
        }
    }
}
