package dev.mcdrop.train;

/**
 * Max and average pooling (no padding, floor rounding) over the C·N planes of a CNHW tensor,
 * forward and backward. Max pooling remembers, for every output, the flat index of the input
 * it took (first maximum on ties, as Caffe); backward routes the gradient there. Each plane is
 * independent, so planes run in parallel without changing a bit.
 */
final class Pooling {
    private Pooling() {}

    /** y[plane][OH][OW] = max over windows of x[plane][H][W]; argmax[j] = index into x. */
    static void maxForward(Loops loops, float[] x, int planes, int h, int w, int k, int s, float[] y, int[] argmax) {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        if (k == 2) {
            loops.forEach(planes, (long) oh * ow * 4, p -> max2Plane(x, p * h * w, w, s, oh, ow, y, argmax, p * oh * ow));
            return;
        }
        loops.forEach(planes, (long) oh * ow * k * k, p -> {
            int in = p * h * w, out = p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int best = in + oy * s * w + ox * s;
                    float m = x[best];
                    for (int ky = 0; ky < k; ky++) {
                        int r = in + (oy * s + ky) * w + ox * s;
                        for (int kx = 0; kx < k; kx++) {
                            if (x[r + kx] > m) {
                                m = x[r + kx];
                                best = r + kx;
                            }
                        }
                    }
                    y[out + oy * ow + ox] = m;
                    argmax[out + oy * ow + ox] = best;
                }
        });
    }

    /** The 2×2 window of maxForward unrolled (LeNet's case): same order, so the same maxima and argmax. */
    private static void max2Plane(float[] x, int in, int w, int s, int oh, int ow, float[] y, int[] argmax, int out) {
        for (int oy = 0; oy < oh; oy++) {
            int top = in + oy * s * w, o = out + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int best = top + ox * s;
                float m = x[best];
                if (x[best + 1] > m) { m = x[best + 1]; best = best + 1; }
                int bottom = top + w + ox * s;
                if (x[bottom] > m) { m = x[bottom]; best = bottom; }
                if (x[bottom + 1] > m) { m = x[bottom + 1]; best = bottom + 1; }
                y[o + ox] = m;
                argmax[o + ox] = best;
            }
        }
    }

    /** dx = 0, then dx[argmax[j]] += dy[j], plane by plane (windows may overlap when s &lt; k). */
    static void maxBackward(Loops loops, float[] dy, int[] argmax, int planes, int h, int w, int k, int s, float[] dx) {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        loops.forEach(planes, (long) h * w, p -> {
            java.util.Arrays.fill(dx, p * h * w, (p + 1) * h * w, 0f);
            for (int j = p * oh * ow, end = j + oh * ow; j < end; j++) dx[argmax[j]] += dy[j];
        });
    }

    static void avgForward(Loops loops, float[] x, int planes, int h, int w, int k, int s, float[] y) {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        float inv = 1f / (k * k);
        loops.forEach(planes, (long) oh * ow * k * k, p -> {
            int in = p * h * w, out = p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float sum = 0f;
                    for (int ky = 0; ky < k; ky++) {
                        int r = in + (oy * s + ky) * w + ox * s;
                        for (int kx = 0; kx < k; kx++) sum += x[r + kx];
                    }
                    y[out + oy * ow + ox] = sum * inv;
                }
        });
    }

    static void avgBackward(Loops loops, float[] dy, int planes, int h, int w, int k, int s, float[] dx) {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        float inv = 1f / (k * k);
        loops.forEach(planes, (long) oh * ow * k * k, p -> {
            int in = p * h * w, out = p * oh * ow;
            java.util.Arrays.fill(dx, in, in + h * w, 0f);
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float g = dy[out + oy * ow + ox] * inv;
                    for (int ky = 0; ky < k; ky++) {
                        int r = in + (oy * s + ky) * w + ox * s;
                        for (int kx = 0; kx < k; kx++) dx[r + kx] += g;
                    }
                }
        });
    }
}
