package dev.mcdrop.cuda;

import dev.mcdrop.backend.ConvGeometry;

/**
 * Launcher for native-kernels/conv2d.cu: {@code out[Cout][columns·OH·OW] = W[Cout][K] ·
 * im2col(in)} with the unfolded matrix formed in shared memory ({@link ConvAlgorithm#IMPLICIT}):
 * in FP32, or on FP16 tensor cores from weights already converted by {@code to_half}; any window.
 * A grouped convolution is one launch per group, on the group's slices of in, W and out (CNHW keeps
 * each group's channels contiguous). {@link #depthwise} is the direct kernel for groups = Cin.
 */
final class ConvKernel {
    private static final int TILE_ROWS = 64, TILE_COLUMNS = 128, THREADS = 256;
    private final KernelLauncher launcher;
    private final KernelArgs args = KernelSignatures.args("conv2d/conv2d_implicit");
    private final KernelArgs halfArgs = KernelSignatures.args("conv2d/conv2d_implicit_f16");
    private final KernelArgs depthwiseArgs = KernelSignatures.args("conv2d/conv2d_depthwise");

    /** The FP16 kernel's K slice: its 16-bit weights have rows of {@link #halfWeightStride} elements. */
    static final int HALF_SLICE = 32;

    ConvKernel(KernelLauncher launcher) { this.launcher = launcher; }

    /** Row length of the FP16 weights conv2d_implicit_f16 reads: K rounded up to a whole slice (zero-padded). */
    static int halfWeightStride(ConvGeometry g) { return (g.patchSize() + HALF_SLICE - 1) / HALF_SLICE * HALF_SLICE; }

    void conv2d(long in, ConvGeometry g, int columns, long weight, long out) {
        if (empty(g, columns)) return;
        for (int group = 0; group < g.groups(); group++) {
            geometry(args, in, g, columns, out, group).set("weight", weight + Float.BYTES * (long) group * g.groupOutChannels() * g.patchSize());
            launcher.launch("conv2d/conv2d_implicit", gridX(g, columns), gridY(g), THREADS, 1, args, "conv2d (implicit)");
        }
    }

    /** FP16 tensor cores: weight16 = W as 16-bit floats, [Cout][{@link #halfWeightStride}] (to_half). */
    void conv2dHalf(long in, ConvGeometry g, int columns, long weight16, long out) {
        if (empty(g, columns)) return;
        int wpad = halfWeightStride(g);
        for (int group = 0; group < g.groups(); group++) {
            // 2-byte weights; a group's rows start wpad·2 = a multiple of 64 bytes apart, as WMMA's alignment needs
            geometry(halfArgs, in, g, columns, out, group).set("wpad", wpad)
                    .set("weight16", weight16 + 2L * group * g.groupOutChannels() * wpad);
            launcher.launch("conv2d/conv2d_implicit_f16", gridX(g, columns), gridY(g), THREADS, 1, halfArgs,
                    "conv2d (implicit, fp16 tensor cores)");
        }
    }

    /** A depthwise convolution ({@link ConvGeometry#isDepthwise()}), directly: one thread per output element. */
    void depthwise(long in, ConvGeometry g, int columns, long weight, long out) {
        if (!g.isDepthwise()) throw new IllegalArgumentException("conv2d_depthwise: " + g + " is not depthwise");
        if (empty(g, columns)) return;
        depthwiseArgs.set("in", in).set("weight", weight).set("out", out).set("cout", g.outChannels())
                .set("mult", g.groupOutChannels()).set("columns", columns).set("h", g.inHeight()).set("w", g.inWidth())
                .set("kh", g.kernelHeight()).set("kw", g.kernelWidth()).window(g.window())
                .set("oh", g.outHeight()).set("ow", g.outWidth());
        launcher.linear("conv2d/conv2d_depthwise", (long) g.outChannels() * columns * g.outPlane(), depthwiseArgs,
                "conv2d (depthwise)");
    }

    /** The parameters both implicit kernels share, for group {@code group}: its input channels and output rows. */
    private static KernelArgs geometry(KernelArgs a, long in, ConvGeometry g, int columns, long out, int group) {
        long inGroup = (long) g.groupInChannels() * columns * g.inPlane();
        long outGroup = (long) g.groupOutChannels() * columns * g.outPlane();
        return a.set("in", in + Float.BYTES * group * inGroup).set("out", out + Float.BYTES * group * outGroup)
                .set("cin", g.groupInChannels()).set("h", g.inHeight()).set("w", g.inWidth())
                .set("kh", g.kernelHeight()).set("kw", g.kernelWidth()).window(g.window())
                .set("oh", g.outHeight()).set("ow", g.outWidth()).set("cout", g.groupOutChannels()).set("columns", columns);
    }

    private static boolean empty(ConvGeometry g, int columns) { return columns == 0 || g.outPlane() == 0 || g.outChannels() == 0; }

    // Both kernels tile out[Cout][columns·OH·OW] in 64 × 128 blocks: x over columns, y over channels.
    private static int gridX(ConvGeometry g, int columns) {
        long total = (long) columns * g.outPlane(), x = (total + TILE_COLUMNS - 1) / TILE_COLUMNS;
        if (x > Integer.MAX_VALUE) throw tooLarge(g, total);
        return (int) x;
    }

    private static int gridY(ConvGeometry g) {
        int y = (g.groupOutChannels() + TILE_ROWS - 1) / TILE_ROWS;
        if (y > 65535) throw tooLarge(g, -1);
        return y;
    }

    private static CudaOpException tooLarge(ConvGeometry g, long total) {
        return new CudaOpException("cuda conv2d: " + (total < 0 ? "" : total + " output columns × ") + g.outChannels()
                + " channels exceed the implicit kernel's grid; use --conv im2col");
    }
}
