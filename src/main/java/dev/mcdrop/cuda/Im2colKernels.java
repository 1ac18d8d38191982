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

    /** in[Cin][columns][H][W] -> cols[Cin·kh·kw][columns·OH·OW]. */
    void im2col(long in, ConvGeometry g, int columns, long cols) {
        im2colArgs.set(0, in).set(1, cols).set(2, g.inChannels()).set(3, g.inHeight()).set(4, g.inWidth())
                .set(5, g.kernelHeight()).set(6, g.kernelWidth()).set(7, g.stride()).set(8, g.padding())
                .set(9, g.outHeight()).set(10, g.outWidth()).set(11, (long) columns);
        launcher.linear("im2col/im2col", (long) g.patchSize() * columns * g.outPlane(), im2colArgs, "im2col");
    }

    /** in[C][columns][plane] -> out[C·plane][columns]. */
    void flatten(long in, int channels, int columns, int plane, long out) {
        flattenArgs.set(0, in).set(1, out).set(2, channels).set(3, (long) columns).set(4, (long) plane);
        launcher.linear("im2col/flatten", (long) channels * columns * plane, flattenArgs, "flatten");
    }
}
