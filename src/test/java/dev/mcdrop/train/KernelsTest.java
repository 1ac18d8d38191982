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
            Pointwise.dropoutMask(Loops.SERIAL, mult, channels, n, plane, seed, 11, 4, 0.4f, perChannel);
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

    /** im2col against its definition; col2im is its adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩. */
    @Test
    void im2colAndCol2imAreAdjoint() {
        Random r = new Random(2);
        int[][] geoms = {{2, 7, 6, 3, 1, 0}, {3, 9, 9, 3, 2, 1}, {1, 8, 7, 5, 3, 2}, {2, 5, 5, 2, 2, 3}, {1, 4, 4, 4, 1, 0}};
        for (int[] t : geoms) {
            var g = new dev.mcdrop.backend.ConvGeometry(t[0], t[1], t[2], 1, t[3], t[3], t[4], t[5]);
            int n = 3, oh = g.outHeight(), ow = g.outWidth(), len = n * oh * ow;
            float[] x = rand(r, t[0] * n * t[1] * t[2]), cols = new float[g.patchSize() * len];
            java.util.Arrays.fill(cols, Float.NaN);
            Im2col.im2col(Loops.SERIAL, x, g, n, cols);
            for (int ci = 0; ci < t[0]; ci++)
                for (int ky = 0; ky < t[3]; ky++)
                    for (int kx = 0; kx < t[3]; kx++)
                        for (int img = 0; img < n; img++)
                            for (int oy = 0; oy < oh; oy++)
                                for (int ox = 0; ox < ow; ox++) {
                                    int iy = oy * t[4] - t[5] + ky, ix = ox * t[4] - t[5] + kx;
                                    float v = iy < 0 || ix < 0 || iy >= t[1] || ix >= t[2] ? 0f
                                            : x[((ci * n + img) * t[1] + iy) * t[2] + ix];
                                    assertEquals(v, cols[((ci * t[3] + ky) * t[3] + kx) * len + (img * oh + oy) * ow + ox]);
                                }
            float[] y = rand(r, cols.length), back = new float[x.length];
            java.util.Arrays.fill(back, Float.NaN); // col2im overwrites
            Im2col.col2im(Loops.SERIAL, y, g, n, back);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < cols.length; i++) lhs += (double) cols[i] * y[i];
            for (int i = 0; i < x.length; i++) rhs += (double) x[i] * back[i];
            assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), java.util.Arrays.toString(t));
        }
    }

    /** Max pooling (the unrolled 2×2 path and the general one) against its definition, ties included: first maximum wins. */
    @Test
    void maxPoolingTakesTheFirstMaximumOfEachWindow() {
        Random r = new Random(3);
        int[][] geoms = {{24, 24, 2, 2}, {7, 9, 2, 1}, {9, 8, 2, 3}, {8, 7, 3, 2}, {6, 6, 3, 1}}; // h, w, k, s
        for (int[] t : geoms) {
            int h = t[0], w = t[1], k = t[2], s = t[3], planes = 5, oh = (h - k) / s + 1, ow = (w - k) / s + 1;
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) x[i] = r.nextInt(4); // few values: many ties
            float[] y = new float[planes * oh * ow];
            int[] argmax = new int[y.length];
            Pooling.maxForward(Loops.SERIAL, x, planes, h, w, k, s, y, argmax);
            for (int p = 0; p < planes; p++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int best = -1;
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int at = (p * h + oy * s + ky) * w + ox * s + kx;
                                if (best < 0 || x[at] > x[best]) best = at;
                            }
                        int o = (p * oh + oy) * ow + ox;
                        assertEquals(x[best], y[o], java.util.Arrays.toString(t));
                        assertEquals(best, argmax[o], java.util.Arrays.toString(t) + " output " + o);
                    }
        }
    }

    private static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }
}
