package dev.mcdrop.train;

import dev.mcdrop.rng.DropoutMask;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NaiveGemm against a double dot product in all four transposition cases; the block-wise dropout mask. */
class KernelsTest {

    @Test
    void naiveGemmAllTranspositionsAndBeta() {
        Random r = new Random(1);
        int m = 7, n = 5, k = 9;
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true})
                for (float beta : new float[]{0f, 1f, 0.5f}) {
                    float[] a = rand(r, 3 + m * k), b = rand(r, 2 + k * n), c = rand(r, 4 + m * n);
                    if (beta == 0f) java.util.Arrays.fill(c, Float.NaN); // beta 0 ignores old C
                    float[] old = c.clone();
                    NaiveGemm.INSTANCE.gemm(ta, tb, m, n, k, a, 3, b, 2, beta, c, 4);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                s += (double) (ta ? a[3 + p * m + i] : a[3 + i * k + p]) * (tb ? b[2 + j * k + p] : b[2 + p * n + j]);
                            }
                            if (beta != 0f) s += beta * old[4 + i * n + j];
                            assertEquals(s, c[4 + i * n + j], 1e-4, "ta=" + ta + " tb=" + tb + " beta=" + beta);
                        }
                    for (int i = 0; i < 4; i++) assertTrue(beta == 0f ? Float.isNaN(c[i]) : c[i] == old[i], "C prefix untouched");
                }
    }

    @Test
    void blockwiseDropoutMaskEqualsTheScalarDefinition() {
        int channels = 3, n = 5, plane = 7; // odd sizes: blocks of 4 straddle channels
        long seed = 0x1234_5678_9ABCL;
        for (boolean perChannel : new boolean[]{false, true}) {
            float[] mult = new float[channels * n * plane];
            Pointwise.dropoutMask(mult, channels, n, plane, seed, 11, 4, 0.4f, perChannel, new int[n][4]);
            int thr = DropoutMask.dropThreshold(0.4f), dropped = 0;
            for (int c = 0; c < channels; c++)
                for (int img = 0; img < n; img++)
                    for (int q = 0; q < plane; q++) {
                        long element = perChannel ? c : (long) c * plane + q;
                        boolean keep = DropoutMask.keep(seed, 11, img, 4, element, thr);
                        float m = mult[(c * n + img) * plane + q];
                        assertEquals(keep ? DropoutMask.keepScale(0.4f) : 0f, m);
                        if (!keep) dropped++;
                    }
            assertTrue(dropped > 0 && dropped < mult.length);
        }
    }

    private static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }
}
