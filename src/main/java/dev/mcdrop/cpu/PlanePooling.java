package dev.mcdrop.cpu;

import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;

/**
 * Pooling of one plane, shared by {@link ConvOps#pool} and the fused dropout-pool ops of
 * {@link DropoutOps}, so both give the same bits. A global pool (the window is the plane) is one
 * vectorised reduction ({@link GlobalPooling}). Simple pools (the chain's): 2×2/2 max pooling of
 * even planes goes through the vectorised {@link MaxPool2x2}, other 2×2 max windows through a
 * scalar loop, everything else through the square loop (max starts at −∞ and uses Math.max;
 * average sums the window row-major and divides by kernel² as a float). Any other window (pads,
 * dilations, ceil mode, rectangles) goes through {@link #general}, which clips each window to the
 * image and divides an average by the taps inside it, or inside image and explicit padding when
 * {@code countIncludePad}.
 */
final class PlanePooling {
    private PlanePooling() {}

    /** Elements of row scratch {@link #pool} needs for geometry g. */
    static int scratchSize(PoolGeometry g) { return g.outHeight() * g.width(); }

    /** out[dst ..] (oh×ow) = pool of in[src ..] (h×w); {@code rows} holds ≥ {@link #scratchSize} floats. */
    static void pool(float[] in, int src, PoolGeometry g, float[] out, int dst, float[] rows) {
        if (g.isGlobal()) {
            out[dst] = g.kind() == PoolGeometry.PoolKind.MAX ? GlobalPooling.max(in, src, g.plane())
                    : GlobalPooling.sum(in, src, g.plane()) / (float) g.plane();
            return;
        }
        if (!g.isSimple()) {
            general(in, src, g, out, dst);
            return;
        }
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

    /**
     * Any window: pads, dilations, ceil mode's overhang, rectangular kernels and strides. Each
     * window's taps inside the image are found once as a range of kernel rows and columns
     * ({@link #first}, {@link #end}), so the inner loops read without bounds tests; taps are visited
     * row-major as before, so the sums (and bits) do not change.
     */
    private static void general(float[] in, int src, PoolGeometry g, float[] out, int dst) {
        Window win = g.window();
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int kh = win.kernelHeight(), kw = win.kernelWidth(), dh = win.dilationHeight(), dw = win.dilationWidth();
        boolean max = g.kind() == PoolGeometry.PoolKind.MAX;
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * win.strideHeight() - win.padTop();
            int ky0 = first(y0, dh, 0), ky1 = end(y0, dh, kh, h);
            // window rows inside the image or its explicit padding (the ceil-mode overhang is neither)
            int rowsPadded = end(y0, dh, kh, h + win.padBottom()) - first(y0, dh, -win.padTop());
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * win.strideWidth() - win.padLeft();
                int kx0 = first(x0, dw, 0), kx1 = end(x0, dw, kw, w);
                float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                for (int ky = ky0; ky < ky1; ky++) {
                    int at = src + (y0 + ky * dh) * w + x0;
                    if (max) {
                        for (int kx = kx0; kx < kx1; kx++) acc = Math.max(acc, in[at + kx * dw]);
                    } else {
                        for (int kx = kx0; kx < kx1; kx++) acc += in[at + kx * dw];
                    }
                }
                if (!max) {
                    int colsPadded = end(x0, dw, kw, w + win.padRight()) - first(x0, dw, -win.padLeft());
                    int divisor = g.countIncludePad() ? Math.max(0, rowsPadded) * Math.max(0, colsPadded)
                            : Math.max(0, ky1 - ky0) * Math.max(0, kx1 - kx0);
                    acc /= (float) divisor;
                }
                out[dst + oy * ow + ox] = acc;
            }
        }
    }

    /** The first tap k ≥ 0 of a window starting at {@code start} with dilation d that lies at or after {@code low}. */
    private static int first(int start, int d, int low) {
        return start >= low ? 0 : (low - start + d - 1) / d;
    }

    /** One past the last tap k < kernel of a window starting at {@code start} that lies before {@code high}. */
    private static int end(int start, int d, int kernel, int high) {
        if (start >= high) return 0;
        return Math.min(kernel, (high - 1 - start) / d + 1);
    }
}
