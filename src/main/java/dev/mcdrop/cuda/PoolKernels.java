package dev.mcdrop.cuda;

import dev.mcdrop.backend.PoolGeometry;

/** Launchers for native-kernels/pool.cu: max and average pooling of planes. */
final class PoolKernels {
    private final KernelLauncher launcher;
    // *_pool(in, out, planes, h, w, kernel, stride, oh, ow)
    private final KernelArgs args = KernelSignatures.args("pool/max_pool");

    PoolKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** in[planes][h][w] -> out[planes][oh][ow]. */
    void pool(long in, PoolGeometry g, int planes, long out) {
        args.set(0, in).set(1, out).set(2, (long) planes).set(3, g.height()).set(4, g.width())
                .set(5, g.kernel()).set(6, g.stride()).set(7, g.outHeight()).set(8, g.outWidth());
        boolean isMax = g.kind() == PoolGeometry.PoolKind.MAX;
        launcher.linear(isMax ? "pool/max_pool" : "pool/avg_pool", (long) planes * g.outHeight() * g.outWidth(), args,
                isMax ? "maxPool" : "avgPool");
    }
}
