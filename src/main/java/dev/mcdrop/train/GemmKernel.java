package dev.mcdrop.train;

/**
 * The one matrix product the trainer needs, as a plug: row-major, densely packed
 * {@code C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C}. {@code transA} means A is stored k×m,
 * {@code transB} that B is stored n×k; offsets are in elements. {@code beta == 0} must ignore C's
 * old content (it may hold NaN). {@link NaiveGemm} is the simple reference; the Vector-API
 * {@code dev.mcdrop.cpu.Sgemm} plugs in for real training. For bit-reproducible training an
 * implementation must give the same bits for the same inputs whatever its thread count.
 */
@FunctionalInterface
public interface GemmKernel {
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff);
}
