package dev.mcdrop.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Sgemm against a float64 triple loop on odd shapes, all transposes, offsets and betas; thread invariance. */
class SgemmTest {

    private static double[] expected(boolean ta, boolean tb, int m, int n, int k, float[] a, int ao,
                                     float[] b, int bo, float beta, float[] c, int co) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (ta ? a[ao + p * m + i] : a[ao + i * k + p]) * (tb ? b[bo + j * k + p] : b[bo + p * n + j]);
                }
                out[i * n + j] = s + (beta == 0f ? 0 : beta * (double) c[co + i * n + j]);
            }
        return out;
    }

    private static float[] random(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = 2 * r.nextFloat() - 1;
        return v;
    }

    private static void check(Sgemm sgemm, Random r, boolean ta, boolean tb, int m, int n, int k, float beta) {
        int ao = r.nextInt(5), bo = r.nextInt(5), co = r.nextInt(5);
        float[] a = random(r, ao + m * k), b = random(r, bo + k * n), c = random(r, co + m * n + 3);
        if (beta == 0f) Arrays.fill(c, Float.NaN); // beta 0 must ignore old C, even NaN
        float[] before = c.clone();
        double[] want = expected(ta, tb, m, n, k, a, ao, b, bo, beta, c, co);
        sgemm.gemm(ta, tb, m, n, k, a, ao, b, bo, beta, c, co);
        double tol = 1e-5 + 2e-6 * k;
        for (int i = 0; i < m * n; i++) {
            if (!(Math.abs(c[co + i] - want[i]) <= tol)) {
                fail("m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta
                        + " at " + i + ": " + c[co + i] + " vs " + want[i]);
            }
        }
        for (int i = 0; i < co; i++) assertTrue(Float.compare(before[i], c[i]) == 0, "wrote before C");
        for (int i = co + m * n; i < c.length; i++) assertTrue(Float.compare(before[i], c[i]) == 0, "wrote after C");
    }

    @Test
    void matchesFloat64OnOddShapesAllTransposesAndBetas() {
        Random r = new Random(42);
        int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {7, 1, 5}, {5, 33, 1}, {6, 32, 8}, {13, 65, 17}, {37, 29, 300},
                {20, 100, 25}, {50, 130, 257}, {150, 70, 520}, {3, 3, 0},
                {171, 3100, 19}, {333, 45, 270}}; // the last two take the MC/NC-blocked path
        try (WorkerPool pool = new WorkerPool(2)) {
            Sgemm sgemm = new Sgemm(pool);
            for (int[] s : shapes)
                for (int t = 0; t < 4; t++)
                    for (float beta : new float[] {0f, 1f, 0.5f})
                        check(sgemm, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], beta);
            for (int trial = 0; trial < 30; trial++) {
                check(sgemm, r, r.nextBoolean(), r.nextBoolean(), 1 + r.nextInt(80), 1 + r.nextInt(200),
                        1 + r.nextInt(600), r.nextBoolean() ? 0f : 1f);
            }
        }
    }

    @Test
    void resultsAreBitIdenticalForOneTwoAndThreeThreads() {
        Random r = new Random(7);
        int[][] shapes = {{50, 1000, 500}, {500, 40, 300}, {10, 256, 500}, {61, 77, 600}, {20, 3000, 25}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
                float beta = t % 2 == 0 ? 0f : 1f;
                float[] first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    try (WorkerPool pool = new WorkerPool(threads)) {
                        float[] c = c0.clone();
                        new Sgemm(pool).gemm(ta, tb, m, n, k, a, 0, b, 0, beta, c, 0);
                        if (first == null) first = c;
                        else assertArrayEquals(first, c, "threads=" + threads + " shape " + Arrays.toString(s) + " t=" + t);
                    }
                }
            }
        }
    }
}
