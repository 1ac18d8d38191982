package dev.mcdrop.train;

import dev.mcdrop.backend.ConvGeometry;

/**
 * Convolution as GEMM on CNHW activations. im2col unfolds x[Cin][N][H][W] into
 * cols[Cin·kh·kw][N·OH·OW] (row (ci,ky,kx), column (n,oy,ox) = x[ci][n][oy·s−pad+ky][ox·s−pad+kx],
 * 0 outside), so that conv = W[Cout][K]·cols with W in PyTorch's OIHW layout. col2im is its
 * adjoint: it scatters-adds cols back into the image. Both split work by input channel, whose
 * rows/planes no other channel touches (deterministic under threads).
 */
final class Im2col {
    private Im2col() {}

    static void im2col(Loops loops, float[] x, ConvGeometry g, int n, float[] cols) {
        int h = g.inHeight(), w = g.inWidth(), oh = g.outHeight(), ow = g.outWidth();
        int kh = g.kernelHeight(), kw = g.kernelWidth(), s = g.stride(), pad = g.padding();
        int rowLength = n * oh * ow;
        loops.forEach(g.inChannels(), (long) kh * kw * rowLength, ci -> {
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((ci * kh + ky) * kw + kx) * rowLength;
                    for (int img = 0; img < n; img++) {
                        int src = (ci * n + img) * h * w;           // x[ci][img][·][·]
                        int dst = row + img * oh * ow;              // cols[row][img·OH·OW + ·]
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * s - pad + ky;
                            int d = dst + oy * ow;
                            if (iy < 0 || iy >= h) {
                                java.util.Arrays.fill(cols, d, d + ow, 0f);
                                continue;
                            }
                            int srcRow = src + iy * w - pad + kx;       // + ox·s = x[ci][img][iy][ix]
                            int lo = oxLo(kx, s, pad), hi = oxHi(kx, s, pad, w, ow);
                            for (int ox = 0; ox < lo; ox++) cols[d + ox] = 0f;
                            if (s == 1) System.arraycopy(x, srcRow + lo, cols, d + lo, Math.max(0, hi - lo));
                            else for (int ox = lo; ox < hi; ox++) cols[d + ox] = x[srcRow + ox * s];
                            for (int ox = Math.max(lo, hi); ox < ow; ox++) cols[d + ox] = 0f;
                        }
                    }
                }
        });
    }

    /** dx[Cin][N][H][W] = col2im(dCols[K][N·OH·OW]); overwrites dx. */
    static void col2im(Loops loops, float[] dCols, ConvGeometry g, int n, float[] dx) {
        int h = g.inHeight(), w = g.inWidth(), oh = g.outHeight(), ow = g.outWidth();
        int kh = g.kernelHeight(), kw = g.kernelWidth(), s = g.stride(), pad = g.padding();
        int rowLength = n * oh * ow;
        loops.forEach(g.inChannels(), (long) kh * kw * rowLength, ci -> {
            java.util.Arrays.fill(dx, ci * n * h * w, (ci + 1) * n * h * w, 0f);
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((ci * kh + ky) * kw + kx) * rowLength;
                    for (int img = 0; img < n; img++) {
                        int dst = (ci * n + img) * h * w;
                        int src = row + img * oh * ow;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * s - pad + ky;
                            if (iy < 0 || iy >= h) continue;
                            int dstRow = dst + iy * w - pad + kx, srcRow = src + oy * ow;
                            int lo = oxLo(kx, s, pad), hi = oxHi(kx, s, pad, w, ow);
                            if (s == 1) addRow(dCols, srcRow, dx, dstRow, lo, hi);
                            else for (int ox = lo; ox < hi; ox++) dx[dstRow + ox * s] += dCols[srcRow + ox];
                        }
                    }
                }
        });
    }

    /** dx[dstRow + ox] += dCols[srcRow + ox] for lo ≤ ox &lt; hi: unit stride, so C2 vectorises it (same sums). */
    private static void addRow(float[] dCols, int srcRow, float[] dx, int dstRow, int lo, int hi) {
        for (int ox = lo; ox < hi; ox++) dx[dstRow + ox] += dCols[srcRow + ox];
    }

    /** First ox with ix = ox·s − pad + kx ≥ 0. */
    private static int oxLo(int kx, int s, int pad) {
        return kx >= pad ? 0 : (pad - kx + s - 1) / s;
    }

    /** One past the last ox with ix &lt; w (at most ow). */
    private static int oxHi(int kx, int s, int pad, int w, int ow) {
        int last = w - 1 + pad - kx; // ox·s ≤ last
        return last < 0 ? 0 : Math.min(ow, last / s + 1);
    }
}
