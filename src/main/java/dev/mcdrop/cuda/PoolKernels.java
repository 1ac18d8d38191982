package dev.mcdrop.cuda;

import dev.mcdrop.backend.PoolGeometry;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** Launchers for native-kernels/pool.cu: max and average pooling of planes. */
final class PoolKernels {
    private final CUfunction max, avg;
    private final CUstream stream;
    // *_pool(in, out, planes, h, w, kernel, stride, oh, ow)
    private final KernelArgs args = KernelSignatures.args("pool/max_pool");

    PoolKernels(PtxModules modules, CUstream stream) {
        this.max = modules.function("pool", "max_pool");
        this.avg = modules.function("pool", "avg_pool");
        this.stream = stream;
    }

    /** in[planes][h][w] -> out[planes][oh][ow]. */
    void pool(long in, PoolGeometry g, int planes, long out) {
        args.set(0, in).set(1, out).set(2, (long) planes).set(3, g.height()).set(4, g.width())
                .set(5, g.kernel()).set(6, g.stride()).set(7, g.outHeight()).set(8, g.outWidth());
        boolean isMax = g.kind() == PoolGeometry.PoolKind.MAX;
        Launch.linear(isMax ? max : avg, (long) planes * g.outHeight() * g.outWidth(), stream, args,
                isMax ? "maxPool" : "avgPool");
    }
}
