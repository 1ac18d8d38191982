package dev.mcdrop.cuda;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;

/**
 * Launchers for native-kernels/bias_activation.cu: bias + activation, optionally fused with an MC
 * dropout mask, and expandDropout. Mask parameters: seed, layer, threshold = floor(p·2^32)
 * (unsigned), scale = {@link MaskSpec#scale()} (the float the CPU multiplies by), per-channel
 * flag, the pair range of the columns, and the image-key table (0: keys by position).
 */
final class BiasActivationKernels {
    private final KernelLauncher launcher;
    private final KernelArgs plainArgs = KernelSignatures.args("bias_activation/bias_act");
    private final KernelArgs dropoutArgs = KernelSignatures.args("bias_activation/bias_act_dropout");
    private final KernelArgs expandArgs = KernelSignatures.args("bias_activation/expand_dropout");
    private final KernelArgs expandPoolArgs = KernelSignatures.args("bias_activation/expand_dropout_pool");
    private final KernelArgs biasPoolArgs = KernelSignatures.args("bias_activation/bias_act_pool");
    /** Mask arguments when there is no mask (batchImages 1: the kernel divides by it). */
    static final MaskSpec NO_MASK = new MaskSpec(0, 0, 0f, false, new Pairs(0, 1, 0));

    /** Largest plane (h·w) the fused pooling kernels keep in shared memory (MCDROP_FUSED_PLANE). */
    static final int FUSED_POOL_MAX_PLANE = 4096;

    BiasActivationKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** x[channels][columns][plane] = mask(act(x + bias[c])) in place. */
    void biasActivation(long x, long bias, int channels, int columns, int plane, Activation act, MaskSpec mask, long keys) {
        boolean relu = act == Activation.RELU;
        if (mask == null) {
            plainArgs.set("x", x).set("bias", bias).set("channels", channels).set("columns", columns).set("plane", plane)
                    .set("relu", relu);
            launcher.linear("bias_activation/bias_act", (long) channels * columns * plane, plainArgs, "biasActivation");
            return;
        }
        dropoutArgs.set("x", x).set("bias", bias).set("channels", channels).set("columns", columns).set("plane", plane)
                .set("relu", relu);
        setMask(dropoutArgs, mask, keys);
        launcher.linear("bias_activation/bias_act_dropout", groups(channels, plane) * columns, dropoutArgs, "biasActivation+dropout");
    }

    /** dst[c][n][i] = keep ? src[c][b(n)][i]·scale : 0. */
    void expandDropout(long src, long dst, int channels, int columns, int plane, MaskSpec mask, long keys) {
        expandArgs.set("src", src).set("dst", dst).set("channels", channels).set("columns", columns).set("plane", plane);
        setMask(expandArgs, mask, keys);
        launcher.linear("bias_activation/expand_dropout", groups(channels, plane) * columns, expandArgs, "expandDropout");
    }

    /**
     * dst[c][n] = pool(keep ? src[c][b(n)]·scale : 0) for planes of at most
     * {@link #FUSED_POOL_MAX_PLANE}: each CUDA block builds a tile of planes in shared memory and
     * pools them ({@link #planesPerBlock}).
     */
    void expandDropoutPool(long src, long dst, int channels, int columns, PoolGeometry g, MaskSpec mask, long keys) {
        int plane = g.height() * g.width();
        if (plane > FUSED_POOL_MAX_PLANE) throw new IllegalArgumentException("plane of " + plane + " > " + FUSED_POOL_MAX_PLANE);
        long items = (long) channels * columns;
        if (items == 0) return;
        pooling(expandPoolArgs.set("src", src), dst, channels, columns, g);
        setMask(expandPoolArgs, mask, keys);
        launchFused("bias_activation/expand_dropout_pool", expandPoolArgs, items, plane, "expandDropout+pool");
    }

    /**
     * dst[c][n] = pool(mask(act(x[c][n] + bias[c]))) for planes of at most
     * {@link #FUSED_POOL_MAX_PLANE}, x read only; mask may be null. Tiles as in {@link #expandDropoutPool}.
     */
    void biasActivationPool(long x, long bias, int channels, int columns, PoolGeometry g, Activation act, MaskSpec mask,
                            long keys, long dst) {
        int plane = g.height() * g.width();
        if (plane > FUSED_POOL_MAX_PLANE) throw new IllegalArgumentException("plane of " + plane + " > " + FUSED_POOL_MAX_PLANE);
        long items = (long) channels * columns;
        if (items == 0) return;
        pooling(biasPoolArgs.set("x", x).set("bias", bias), dst, channels, columns, g)
                .set("relu", act == Activation.RELU).set("masked", mask != null);
        setMask(biasPoolArgs, mask == null ? NO_MASK : mask, keys);
        launchFused("bias_activation/bias_act_pool", biasPoolArgs, items, plane, "biasActivation+pool");
    }

    /** Planes of {@code plane} elements one block takes (fused_planes_per_block in the kernel). */
    static int planesPerBlock(int plane) { return Math.min(FUSED_POOL_MAX_PLANE / plane, MAX_PLANES_PER_BLOCK); }

    /** MCDROP_FUSED_PLANES_MAX. */
    static final int MAX_PLANES_PER_BLOCK = 32;

    /** One block per tile of {@link #planesPerBlock} planes, 256 threads (the kernels loop over any block size). */
    private void launchFused(String kernel, KernelArgs args, long items, int plane, String op) {
        int perBlock = planesPerBlock(plane);
        long tiles = (items + perBlock - 1) / perBlock;
        launcher.launch(kernel, (int) Math.min(tiles, KernelLauncher.MAX_BLOCKS), 1, KernelLauncher.THREADS, 1, args, op);
    }

    /** One thread per 4 consecutive elements of an image (one Philox block). */
    static long groups(int channels, int plane) { return ((long) channels * plane + 3) >> 2; }

    /** The fused kernels' output and pooling parameters. */
    private static KernelArgs pooling(KernelArgs a, long dst, int channels, int columns, PoolGeometry g) {
        return a.set("dst", dst).set("channels", channels).set("columns", columns).set("h", g.height()).set("w", g.width())
                .set("kernel", g.kernel()).set("stride", g.stride()).set("oh", g.outHeight()).set("ow", g.outWidth())
                .set("isMax", g.kind() == PoolGeometry.PoolKind.MAX);
    }

    /** The mask parameters; {@code keys}: the device address of the image-key table, 0 for keys by position. */
    static void setMask(KernelArgs a, MaskSpec mask, long keys) {
        Pairs pairs = mask.pairs();
        a.set("seed", mask.seed()).set("layer", mask.layer()).set("threshold", mask.threshold()).set("scale", mask.scale())
                .set("perChannel", mask.perChannel()).set("firstPair", pairs.firstPair())
                .set("batchImages", pairs.batchImages()).set("imageBase", pairs.imageBase()).set("imageKeys", keys);
    }
}
