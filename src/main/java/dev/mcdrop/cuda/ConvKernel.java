package dev.mcdrop.cuda;

import dev.mcdrop.backend.ConvGeometry;

/**
 * Launcher for native-kernels/conv2d.cu: {@code out[Cout][columns·OH·OW] = W[Cout][K] ·
 * im2col(in)} with the unfolded matrix formed in shared memory ({@link ConvAlgorithm#IMPLICIT}).
 */
final class ConvKernel {
    private static final int TILE_ROWS = 64, TILE_COLUMNS = 128, THREADS = 256;
    private final KernelLauncher launcher;
    // conv2d_implicit(in, weight, out, cin, h, w, kh, kw, stride, pad, oh, ow, cout, columns)
    private final KernelArgs args = KernelSignatures.args("conv2d/conv2d_implicit");

    ConvKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void conv2d(long in, ConvGeometry g, int columns, long weight, long out) {
        long total = (long) columns * g.outPlane();
        if (total == 0 || g.outChannels() == 0) return;
        long gridX = (total + TILE_COLUMNS - 1) / TILE_COLUMNS;
        int gridY = (g.outChannels() + TILE_ROWS - 1) / TILE_ROWS;
        if (gridX > Integer.MAX_VALUE || gridY > 65535) {
            throw new CudaOpException("cuda conv2d: " + total + " output columns × " + g.outChannels()
                    + " channels exceed the implicit kernel's grid; use --conv im2col");
        }
        args.set(0, in).set(1, weight).set(2, out).set(3, g.inChannels()).set(4, g.inHeight()).set(5, g.inWidth())
                .set(6, g.kernelHeight()).set(7, g.kernelWidth()).set(8, g.stride()).set(9, g.padding())
                .set(10, g.outHeight()).set(11, g.outWidth()).set(12, g.outChannels()).set(13, (long) columns);
        launcher.launch("conv2d/conv2d_implicit", (int) gridX, gridY, THREADS, 1, args, "conv2d (implicit)");
    }
}
