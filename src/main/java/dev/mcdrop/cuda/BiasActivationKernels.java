package dev.mcdrop.cuda;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;

/**
 * Launchers for native-kernels/bias_activation.cu: bias + activation, optionally fused with an MC
 * dropout mask, and expandDropout. Mask parameters: seed, layer, threshold = floor(p·2^32)
 * (unsigned), scale = {@link MaskSpec#scale()} (the float the CPU multiplies by), per-channel
 * flag, and the pair range of the columns.
 */
final class BiasActivationKernels {
    private final KernelLauncher launcher;
    // bias_act(x, bias, channels, columns, plane, relu)
    private final KernelArgs plainArgs = KernelSignatures.args("bias_activation/bias_act");
    // bias_act_dropout(x, bias, channels, columns, plane, relu, seed, layer, threshold, scale,
    //                  perChannel, firstPair, batchImages, imageBase)
    private final KernelArgs dropoutArgs = KernelSignatures.args("bias_activation/bias_act_dropout");
    // expand_dropout(src, dst, channels, columns, plane, seed, layer, threshold, scale, perChannel,
    //                firstPair, batchImages, imageBase)
    private final KernelArgs expandArgs = KernelSignatures.args("bias_activation/expand_dropout");

    // expand_dropout_pool(src, dst, channels, columns, h, w, kernel, stride, oh, ow, isMax, seed, layer,
    //                     threshold, scale, perChannel, firstPair, batchImages, imageBase)
    private final KernelArgs expandPoolArgs = KernelSignatures.args("bias_activation/expand_dropout_pool");

    // bias_act_pool(x, dst, bias, channels, columns, h, w, kernel, stride, oh, ow, isMax, relu, masked, seed, layer,
    //               threshold, scale, perChannel, firstPair, batchImages, imageBase)
    private final KernelArgs biasPoolArgs = KernelSignatures.args("bias_activation/bias_act_pool");
    /** Mask arguments when there is no mask (batchImages 1: the kernel divides by it). */
    private static final MaskSpec NO_MASK = new MaskSpec(0, 0, 0f, false, new Pairs(0, 1, 0));

    /** Largest plane (h·w) the fused pooling kernels keep in shared memory (MCDROP_FUSED_PLANE). */
    static final int FUSED_POOL_MAX_PLANE = 4096;

    BiasActivationKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /** x[channels][columns][plane] = mask(act(x + bias[c])) in place. */
    void biasActivation(long x, long bias, int channels, int columns, int plane, Activation act, MaskSpec mask) {
        int relu = act == Activation.RELU ? 1 : 0;
        if (mask == null) {
            plainArgs.set(0, x).set(1, bias).set(2, channels).set(3, (long) columns).set(4, (long) plane).set(5, relu);
            launcher.linear("bias_activation/bias_act", (long) channels * columns * plane, plainArgs, "biasActivation");
            return;
        }
        dropoutArgs.set(0, x).set(1, bias).set(2, channels).set(3, (long) columns).set(4, (long) plane).set(5, relu);
        setMask(dropoutArgs, 6, mask);
        launcher.linear("bias_activation/bias_act_dropout", groups(channels, plane) * columns, dropoutArgs, "biasActivation+dropout");
    }

    /** dst[c][n][i] = keep ? src[c][b(n)][i]·scale : 0. */
    void expandDropout(long src, long dst, int channels, int columns, int plane, MaskSpec mask) {
        expandArgs.set(0, src).set(1, dst).set(2, channels).set(3, (long) columns).set(4, (long) plane);
        setMask(expandArgs, 5, mask);
        launcher.linear("bias_activation/expand_dropout", groups(channels, plane) * columns, expandArgs, "expandDropout");
    }

    /**
     * dst[c][n] = pool(keep ? src[c][b(n)]·scale : 0) for planes of at most
     * {@link #FUSED_POOL_MAX_PLANE}: each CUDA block builds a tile of planes in shared memory and
     * pools them ({@link #planesPerBlock}).
     */
    void expandDropoutPool(long src, long dst, int channels, int columns, PoolGeometry g, MaskSpec mask) {
        int plane = g.height() * g.width();
        if (plane > FUSED_POOL_MAX_PLANE) throw new IllegalArgumentException("plane of " + plane + " > " + FUSED_POOL_MAX_PLANE);
        long items = (long) channels * columns;
        if (items == 0) return;
        boolean isMax = g.kind() == PoolGeometry.PoolKind.MAX;
        expandPoolArgs.set(0, src).set(1, dst).set(2, channels).set(3, (long) columns).set(4, g.height()).set(5, g.width())
                .set(6, g.kernel()).set(7, g.stride()).set(8, g.outHeight()).set(9, g.outWidth()).set(10, isMax ? 1 : 0);
        setMask(expandPoolArgs, 11, mask);
        launchFused("bias_activation/expand_dropout_pool", expandPoolArgs, items, plane, "expandDropout+pool");
    }

    /**
     * dst[c][n] = pool(mask(act(x[c][n] + bias[c]))) for planes of at most
     * {@link #FUSED_POOL_MAX_PLANE}, x read only; mask may be null. Tiles as in {@link #expandDropoutPool}.
     */
    void biasActivationPool(long x, long bias, int channels, int columns, PoolGeometry g, Activation act, MaskSpec mask,
                            long dst) {
        int plane = g.height() * g.width();
        if (plane > FUSED_POOL_MAX_PLANE) throw new IllegalArgumentException("plane of " + plane + " > " + FUSED_POOL_MAX_PLANE);
        long items = (long) channels * columns;
        if (items == 0) return;
        boolean isMax = g.kind() == PoolGeometry.PoolKind.MAX;
        biasPoolArgs.set(0, x).set(1, dst).set(2, bias).set(3, channels).set(4, (long) columns).set(5, g.height())
                .set(6, g.width()).set(7, g.kernel()).set(8, g.stride()).set(9, g.outHeight()).set(10, g.outWidth())
                .set(11, isMax ? 1 : 0).set(12, act == Activation.RELU ? 1 : 0).set(13, mask == null ? 0 : 1);
        setMask(biasPoolArgs, 14, mask == null ? NO_MASK : mask);
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
    private static long groups(int channels, int plane) { return ((long) channels * plane + 3) >> 2; }

    private static void setMask(KernelArgs a, int at, MaskSpec mask) {
        Pairs pairs = mask.pairs();
        a.set(at, mask.seed()).set(at + 1, mask.layer()).set(at + 2, mask.threshold()).set(at + 3, mask.scale())
                .set(at + 4, mask.perChannel() ? 1 : 0).set(at + 5, pairs.firstPair())
                .set(at + 6, pairs.batchImages()).set(at + 7, pairs.imageBase());
    }
}
