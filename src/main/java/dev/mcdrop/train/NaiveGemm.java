package dev.mcdrop.train;

/**
 * A simple, correct {@link GemmKernel} for tests and small problems: single-threaded, i-k-j loop
 * order (the inner loop streams a row of B and a row of C) except when B is transposed, where a
 * row of A dotted with a row of B is the cache-friendly order. Deterministic: fixed summation order.
 */
public final class NaiveGemm implements GemmKernel {
    public static final NaiveGemm INSTANCE = new NaiveGemm();

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            if (beta == 0f) java.util.Arrays.fill(c, row, row + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[row + j] *= beta;
        }
        if (!transB) {
            // C[i][·] += A(i,p) · B[p][·]
            for (int i = 0; i < m; i++) {
                int row = cOff + i * n;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    if (aip == 0f) continue;
                    int bRow = bOff + p * n;
                    for (int j = 0; j < n; j++) c[row + j] += aip * b[bRow + j];
                }
            }
        } else {
            // C[i][j] += Σ_p A(i,p) · B[j][p]
            for (int i = 0; i < m; i++) {
                int row = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    int bRow = bOff + j * k;
                    float s = 0f;
                    if (transA) for (int p = 0; p < k; p++) s += a[aOff + p * m + i] * b[bRow + p];
                    else {
                        int aRow = aOff + i * k;
                        for (int p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
                    }
                    c[row + j] += s;
                }
            }
        }
    }
}
