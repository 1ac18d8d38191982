package dev.mcdrop.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel: an MR×NR tile of C (MR = 5 rows, NR = 2 vectors of
 * the preferred species, 32 floats with AVX-512) accumulated in 10 vector registers over one
 * K-block, reading A and B from packed panels (see {@link SgemmPacking}). Every element of C gets
 * the same operation sequence (an FMA chain from 0 over the K-block, then one add into C) wherever
 * its tile lies, so thread count and tiling cannot change a result bit. MR = 5 divides every
 * LeNet M (10, 20, 50, 500), so no rows are wasted on padding.
 */
final class SgemmKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final int MR = 5;
    static final int NR = 2 * LANES;

    private SgemmKernel() {}

    /**
     * C[MR×NR] at {@code c[co]} (row length ldc) = (overwrite ? 0 : C) + Ap·Bp over kc steps.
     * ap: packed A, kc groups of MR floats; bp: packed B, kc groups of NR floats.
     */
    static void tile(int kc, float[] ap, int ao, float[] bp, int bo,
                     float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bo);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bo + LANES);
            FloatVector a = FloatVector.broadcast(SPECIES, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(SPECIES, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(SPECIES, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(SPECIES, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(SPECIES, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
        }
        store(c00, c01, c, co, overwrite);
        store(c10, c11, c, co + ldc, overwrite);
        store(c20, c21, c, co + 2 * ldc, overwrite);
        store(c30, c31, c, co + 3 * ldc, overwrite);
        store(c40, c41, c, co + 4 * ldc, overwrite);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int at, boolean overwrite) {
        if (!overwrite) {
            v0 = v0.add(FloatVector.fromArray(SPECIES, c, at));
            v1 = v1.add(FloatVector.fromArray(SPECIES, c, at + LANES));
        }
        v0.intoArray(c, at);
        v1.intoArray(c, at + LANES);
    }
}
