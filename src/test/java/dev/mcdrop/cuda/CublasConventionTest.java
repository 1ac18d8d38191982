package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proves, without a GPU, the row-major → column-major mapping CublasGemm uses: its call
 * arguments, fed to a plain column-major SGEMM (BLAS semantics, as cuBLAS defines them) over the
 * row-major arrays, give ReferenceBackend's row-major gemm for every transpose combination.
 */
class CublasConventionTest {

    /** Column-major C = alpha·op(A)·op(B) + beta·C, A/B/C in BLAS's (M, N, K, ld) terms. */
    private static void sgemmColumnMajor(int opA, int opB, int M, int N, int K, float[] A, int lda,
                                         float[] B, int ldb, float beta, float[] C, int ldc) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int p = 0; p < K; p++) {
                    float a = opA == CublasGemm.CUBLAS_OP_N ? A[i + p * lda] : A[p + i * lda];
                    float b = opB == CublasGemm.CUBLAS_OP_N ? B[p + j * ldb] : B[j + p * ldb];
                    s += (double) a * b;
                }
                C[i + j * ldc] = (float) (s + (beta == 0 ? 0 : beta * C[i + j * ldc]));
            }
    }

    @Test
    void rowMajorTrickMatchesReference() {
        Random rnd = new Random(7);
        ReferenceBackend ref = new ReferenceBackend();
        for (int trial = 0; trial < 40; trial++) {
            boolean transA = rnd.nextBoolean(), transB = rnd.nextBoolean();
            int m = 1 + rnd.nextInt(9), n = 1 + rnd.nextInt(9), k = 1 + rnd.nextInt(9);
            float beta = rnd.nextBoolean() ? 0f : 0.5f;
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);

            float[] expected = new float[m * n];
            try (Buffer ra = ref.allocate(a.length); Buffer rb = ref.allocate(b.length); Buffer rc = ref.allocate(c.length)) {
                ref.upload(a, 0, ra, 0, a.length);
                ref.upload(b, 0, rb, 0, b.length);
                ref.upload(c, 0, rc, 0, c.length);
                ref.gemm(transA, transB, m, n, k, ra, 0, rb, 0, beta, rc, 0);
                ref.download(rc, 0, expected, 0, expected.length);
            }
            float[] actual = c.clone();
            sgemmColumnMajor(CublasGemm.opFirst(transB), CublasGemm.opSecond(transA), n, m, k,
                    b, CublasGemm.ldFirst(transB, n, k), a, CublasGemm.ldSecond(transA, m, k), beta, actual, n);
            assertArrayEquals(expected, actual, 1e-5f, "transA=" + transA + " transB=" + transB + " " + m + "x" + n + "x" + k);
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }
}
