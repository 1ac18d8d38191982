package dev.mcdrop.cpu;

import dev.mcdrop.backend.PoolGeometry;

/**
 * Pooling of one plane, shared by {@link ConvOps#pool} and the fused expand-dropout-pool of
 * {@link DropoutOps}, so both give the same bits: 2×2/2 max pooling of even planes goes through
 * the vectorised {@link MaxPool2x2}, other 2×2 max windows through a scalar loop, everything else
 * through the general loop (max starts at −∞ and uses Math.max; average sums the window
 * row-major and divides by kernel² as a float).
 */
final class PlanePooling {
    private PlanePooling() {}

    /** Elements of row scratch {@link #pool} needs for geometry g. */
    static int scratchSize(PoolGeometry g) { return g.outHeight() * g.width(); }

    /** out[dst ..] (oh×ow) = pool of in[src ..] (h×w); {@code rows} holds ≥ {@link #scratchSize} floats. */
    static void pool(float[] in, int src, PoolGeometry g, float[] out, int dst, float[] rows) {
        int oh = g.outHeight(), ow = g.outWidth(), kk = g.kernel(), s = g.stride(), w = g.width();
        boolean max = g.kind() == PoolGeometry.PoolKind.MAX;
        if (max && MaxPool2x2.applies(kk, s, g.height(), w)) {
            MaxPool2x2.plane(in, src, g.height(), w, out, dst, rows);
            return;
        }
        if (max && kk == 2) {
            max2(in, src, w, s, oh, ow, out, dst);
            return;
        }
        float area = (float) kk * kk;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int corner = src + oy * s * w + ox * s;
                float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                for (int ky = 0; ky < kk; ky++) {
                    int at = corner + ky * w;
                    for (int kx = 0; kx < kk; kx++) acc = max ? Math.max(acc, in[at + kx]) : acc + in[at + kx];
                }
                out[dst + oy * ow + ox] = max ? acc : acc / area;
            }
        }
    }

    /** 2×2 max pooling of one plane, any stride; same NaN behaviour as Math.max. */
    private static void max2(float[] in, int src, int w, int s, int oh, int ow, float[] out, int dst) {
        for (int oy = 0; oy < oh; oy++) {
            int top = src + oy * s * w, bottom = top + w, o = dst + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int at = ox * s;
                out[o + ox] = Math.max(Math.max(in[top + at], in[top + at + 1]),
                        Math.max(in[bottom + at], in[bottom + at + 1]));
            }
        }
    }
}
