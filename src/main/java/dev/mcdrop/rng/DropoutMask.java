package dev.mcdrop.rng;

/**
 * The one definition of a dropout mask bit, shared by every backend (the CUDA kernels mirror it in
 * {@code native-kernels/philox.cuh}).
 *
 * <p>Key = the 64-bit seed (low word k0, high word k1). Elements come in groups of 32; element e
 * takes output word {@code w = (e >> 3) & 3} of the block with counter
 * {@code (8·(e >> 5) + (e & 7), image, sample, layer)}. So the 8 blocks of a group give, word by
 * word, 8 consecutive elements each — one 512-bit vector of blocks yields 4 contiguous runs of 8
 * mask values (see {@link PhiloxBulk}), and one CUDA thread per block writes 4 coalesced runs.
 * The unit is kept iff its word, read unsigned, is at least {@link #dropThreshold(float)}; kept
 * units are scaled by 1/(1-p) ("inverted" dropout, as in Caffe), so the standard (no-sampling)
 * prediction is the network with dropout as the identity.
 *
 * <p>The element index is the canonical flat index c·H·W + y·W + x of the unit inside one image's
 * feature map (or the channel c for per-channel dropout), independent of memory layout.
 */
public final class DropoutMask {
    private DropoutMask() {}

    /** Unsigned 32-bit threshold below which a unit is dropped: floor(p·2^32), clamped. */
    public static int dropThreshold(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
        }
        long t = (long) Math.floor((double) p * 4294967296.0);
        return (int) Math.min(t, 0xFFFFFFFFL);
    }

    /** Scale applied to kept units: 1/(1-p), as a float. */
    public static float keepScale(float p) {
        return (float) (1.0 / (1.0 - p));
    }

    /** Word-0 counter of the block that holds {@code element}: 8·(e / 32) + e % 8. */
    public static int blockCounter(long element) {
        return (int) (((element >>> 5) << 3) | (element & 7));
    }

    /** Which of the block's 4 output words is {@code element}'s: (e / 8) % 4. */
    public static int wordIndex(long element) {
        return (int) ((element >>> 3) & 3);
    }

    /** True iff the unit survives. */
    public static boolean keep(long seed, long sample, long image, int layer, long element, int threshold) {
        int word = Philox4x32.word(blockCounter(element), (int) image, (int) sample, layer,
                (int) seed, (int) (seed >>> 32), wordIndex(element));
        return Integer.compareUnsigned(word, threshold) >= 0;
    }
}
