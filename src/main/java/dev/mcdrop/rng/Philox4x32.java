package dev.mcdrop.rng;

/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (SC'11, "Parallel random numbers:
 * as easy as 1, 2, 3"), exactly as Random123 defines it.
 *
 * <p>Why counter-based: a dropout mask bit is a pure function of (seed, sample, image, layer,
 * element), so any backend, chunking, batch size or thread count draws the same mask. The CUDA
 * kernels in {@code native-kernels/philox.cuh} implement the same function bit for bit.
 */
public final class Philox4x32 {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    public static final int ROUNDS = 10;

    private Philox4x32() {}

    /** Writes the 4 output words for counter (c0..c3) and key (k0, k1) into {@code out[0..3]}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0;
            int n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** Returns one output word (index 0..3) of the block; convenience for scalar paths and tests. */
    public static int word(int c0, int c1, int c2, int c3, int k0, int k1, int index) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
        }
        return switch (index) {
            case 0 -> c0;
            case 1 -> c1;
            case 2 -> c2;
            default -> c3;
        };
    }
}
