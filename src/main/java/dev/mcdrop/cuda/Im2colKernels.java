package dev.mcdrop.cuda;

import dev.mcdrop.backend.ConvGeometry;

/** Launchers for native-kernels/im2col.cu: im2col (FP32 or 16-bit storage), to_half and flatten (the CNHW layout ops). */
final class Im2colKernels {
    private final KernelLauncher launcher;
    private final KernelArgs im2colArgs = KernelSignatures.args("im2col/im2col");
    private final KernelArgs im2colHalfArgs = KernelSignatures.args("im2col/im2col_half");
    private final KernelArgs toHalfArgs = KernelSignatures.args("im2col/to_half");
    private final KernelArgs flattenArgs = KernelSignatures.args("im2col/flatten");

    Im2colKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** x threads per patch row the im2col launch aims at (each then copies slots / threads elements). */
    private static final int ROW_THREADS = 8192;

    /**
     * in[Cg][columns][H][W] -> cols[Cg·kh·kw][columns·OH·OW], Cg = one group's input channels (all of them
     * without groups), for any window (strides, pads, dilations). Grid: y = patch rows (at most
     * 65,535; the kernel strides past), x = blocks of 256 whose thread count is a multiple of
     * OH·OW, so each thread keeps one output position (see im2col.cu).
     */
    void im2col(long in, ConvGeometry g, int columns, long cols) {
        if ((long) columns * g.outPlane() == 0) return;
        launchIm2col("im2col/im2col", set(im2colArgs, in, g, columns, cols), g, columns, "im2col");
    }

    /** The same matrix as 16-bit floats (2 bytes per value at {@code cols}): bfloat16 if {@code bf16}, else IEEE half. */
    void im2colHalf(long in, ConvGeometry g, int columns, long cols, boolean bf16) {
        if ((long) columns * g.outPlane() == 0) return;
        set(im2colHalfArgs, in, g, columns, cols).set("bf16", bf16);
        launchIm2col("im2col/im2col_half", im2colHalfArgs, g, columns, bf16 ? "im2col (bf16)" : "im2col (fp16)");
    }

    /** dst[rows][stride] (2 bytes each) = src[rows][cols] as 16-bit floats, columns cols..stride−1 zero. */
    void toHalf(long src, long rows, int cols, int stride, long dst, boolean bf16) {
        if (stride < cols) throw new IllegalArgumentException("to_half: stride " + stride + " < cols " + cols);
        toHalfArgs.set("src", src).set("dst", dst).set("rows", rows).set("cols", cols).set("stride", stride).set("bf16", bf16);
        launcher.linear("im2col/to_half", rows * stride, toHalfArgs, "to 16-bit");
    }

    private static KernelArgs set(KernelArgs args, long in, ConvGeometry g, int columns, long cols) {
        return args.set("in", in).set("cols", cols).set("cin", g.groupInChannels()).set("h", g.inHeight()).set("w", g.inWidth())
                .set("kh", g.kernelHeight()).set("kw", g.kernelWidth()).window(g.window())
                .set("oh", g.outHeight()).set("ow", g.outWidth()).set("columns", columns);
    }

    private void launchIm2col(String kernel, KernelArgs args, ConvGeometry g, int columns, String op) {
        long slots = (long) columns * g.outPlane();
        int threads = KernelLauncher.THREADS;
        long wanted = (Math.min(slots, ROW_THREADS) + threads - 1) / threads;
        long unit = g.outPlane() / gcd(g.outPlane(), threads);      // blocks whose threads are a multiple of OH·OW
        long gridX = (wanted + unit - 1) / unit * unit;
        if (gridX > 65_535) gridX = wanted;                         // huge odd planes: the kernel decodes per slot
        launcher.launch(kernel, (int) gridX, Math.min(g.patchSize(), 65_535), threads, 1, args, op);
    }

    private static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

    /** in[C][columns][plane] -> out[C·plane][columns]. */
    void flatten(long in, int channels, int columns, int plane, long out) {
        flattenArgs.set("in", in).set("out", out).set("channels", channels).set("columns", columns).set("plane", plane);
        launcher.linear("im2col/flatten", (long) channels * columns * plane, flattenArgs, "flatten");
    }
}
