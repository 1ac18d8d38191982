package dev.mcdrop.cuda;

import dev.mcdrop.backend.ConvGeometry;

/** Launchers for native-kernels/im2col.cu: im2col and flatten (the CNHW layout ops). */
final class Im2colKernels {
    private final KernelLauncher launcher;
    // im2col(in, cols, cin, h, w, kh, kw, stride, pad, oh, ow, columns)
    private final KernelArgs im2colArgs = KernelSignatures.args("im2col/im2col");
    // flatten(in, out, channels, columns, plane)
    private final KernelArgs flattenArgs = KernelSignatures.args("im2col/flatten");

    Im2colKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** x threads per patch row the im2col launch aims at (each then copies slots / threads elements). */
    private static final int ROW_THREADS = 8192;

    /**
     * in[Cin][columns][H][W] -> cols[Cin·kh·kw][columns·OH·OW]. Grid: y = patch rows (at most
     * 65,535; the kernel strides past), x = blocks of 256 whose thread count is a multiple of
     * OH·OW, so each thread keeps one output position (see im2col.cu).
     */
    void im2col(long in, ConvGeometry g, int columns, long cols) {
        long slots = (long) columns * g.outPlane();
        if (slots == 0) return;
        im2colArgs.set(0, in).set(1, cols).set(2, g.inChannels()).set(3, g.inHeight()).set(4, g.inWidth())
                .set(5, g.kernelHeight()).set(6, g.kernelWidth()).set(7, g.stride()).set(8, g.padding())
                .set(9, g.outHeight()).set(10, g.outWidth()).set(11, (long) columns);
        int threads = KernelLauncher.THREADS;
        long wanted = (Math.min(slots, ROW_THREADS) + threads - 1) / threads;
        long unit = g.outPlane() / gcd(g.outPlane(), threads);      // blocks whose threads are a multiple of OH·OW
        long gridX = (wanted + unit - 1) / unit * unit;
        if (gridX > 65_535) gridX = wanted;                         // huge odd planes: the kernel decodes per slot
        launcher.launch("im2col/im2col", (int) gridX, Math.min(g.patchSize(), 65_535), threads, 1, im2colArgs, "im2col");
    }

    private static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

    /** in[C][columns][plane] -> out[C·plane][columns]. */
    void flatten(long in, int channels, int columns, int plane, long out) {
        flattenArgs.set(0, in).set(1, out).set(2, channels).set(3, (long) columns).set(4, (long) plane);
        launcher.linear("im2col/flatten", (long) channels * columns * plane, flattenArgs, "flatten");
    }
}
