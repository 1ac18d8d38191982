package dev.mcdrop.cuda;

import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;

/**
 * Launchers for native-kernels/pool.cu: max and average pooling of planes over any
 * {@link PoolGeometry} (kernel, strides, pads, dilations, ceil mode, count_include_pad, global).
 */
final class PoolKernels {
    private final KernelLauncher launcher;
    private final KernelArgs maxArgs = KernelSignatures.args("pool/max_pool");
    private final KernelArgs avgArgs = KernelSignatures.args("pool/avg_pool");

    PoolKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** in[planes][h][w] -> out[planes][oh][ow]. */
    void pool(long in, PoolGeometry g, int planes, long out) {
        boolean isMax = g.kind() == PoolGeometry.PoolKind.MAX;
        KernelArgs args = isMax ? maxArgs : avgArgs;
        Window w = g.window();
        args.set("in", in).set("out", out).set("planes", planes).set("h", g.height()).set("w", g.width())
                .set("kh", w.kernelHeight()).set("kw", w.kernelWidth()).window(w)
                .set("padBottom", w.padBottom()).set("padRight", w.padRight()).set("oh", g.outHeight()).set("ow", g.outWidth());
        if (!isMax) args.set("countIncludePad", g.countIncludePad());
        launcher.linear(isMax ? "pool/max_pool" : "pool/avg_pool", (long) planes * g.outHeight() * g.outWidth(), args,
                isMax ? "maxPool" : "avgPool");
    }
}
