package dev.mcdrop.cpu;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Philox4x32-10 for several consecutive counters at once, one counter per long lane (8 with
 * AVX-512), bit-identical to {@link dev.mcdrop.rng.Philox4x32#block}. Each 32-bit word lives in
 * the low half of a long lane (all lanes stay below 2^32), so the 32×32→64 products are plain
 * long multiplies. A scalar block is a chain of 10 dependent multiplies; running
 * independent counters side by side (two lane sets per pass) overlaps them: about 2–3× cheaper
 * per block than the scalar loop on the development machine.
 */
final class PhiloxLanes {
    static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    private static final long LOW = 0xFFFFFFFFL;
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private PhiloxLanes() {}

    /**
     * For counters (g, c1, c2, c3), g in [0, groups − groups % (2·LANES)), writes
     * keep[4g + w] = (output word w, unsigned) ≥ threshold. Returns the number of groups done;
     * the caller finishes the rest with scalar blocks.
     */
    static int keepBits(int groups, int c1Init, int c2Init, int c3Init, int k0Init, int k1Init,
                        int threshold, boolean[] keep) {
        long thr = threshold & LOW;
        LongVector laneA = LongVector.zero(SPECIES).addIndex(1);
        LongVector laneB = laneA.add(LANES);
        LongVector c1Start = LongVector.broadcast(SPECIES, c1Init & LOW);
        LongVector c2Start = LongVector.broadcast(SPECIES, c2Init & LOW);
        LongVector c3Start = LongVector.broadcast(SPECIES, c3Init & LOW);
        int step = 2 * LANES; // two independent lane sets per pass, so the multiply latencies overlap
        int done = groups - groups % step;
        for (int g = 0; g < done; g += step) {
            LongVector a0 = laneA.add(g), a1 = c1Start, a2 = c2Start, a3 = c3Start;
            LongVector b0 = laneB.add(g), b1 = c1Start, b2 = c2Start, b3 = c3Start;
            int k0 = k0Init, k1 = k1Init;
            for (int round = 0; round < 10; round++) {
                if (round > 0) {
                    k0 += W0;
                    k1 += W1;
                }
                long key0 = k0 & LOW, key1 = k1 & LOW;
                LongVector pa0 = a0.mul(M0), pa1 = a2.mul(M1);
                LongVector pb0 = b0.mul(M0), pb1 = b2.mul(M1);
                a0 = pa1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a1).lanewise(VectorOperators.XOR, key0);
                a2 = pa0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a3).lanewise(VectorOperators.XOR, key1);
                a1 = pa1.and(LOW);
                a3 = pa0.and(LOW);
                b0 = pb1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b1).lanewise(VectorOperators.XOR, key0);
                b2 = pb0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b3).lanewise(VectorOperators.XOR, key1);
                b1 = pb1.and(LOW);
                b3 = pb0.and(LOW);
            }
            scatter(a0, a1, a2, a3, thr, keep, g << 2);
            scatter(b0, b1, b2, b3, thr, keep, (g + LANES) << 2);
        }
        return done;
    }

    // keep[at + 4j + w] = word w of lane j ≥ threshold (unsigned; words are zero-extended).
    private static void scatter(LongVector w0, LongVector w1, LongVector w2, LongVector w3, long thr,
                                boolean[] keep, int at) {
        long b0 = w0.compare(VectorOperators.GE, thr).toLong();
        long b1 = w1.compare(VectorOperators.GE, thr).toLong();
        long b2 = w2.compare(VectorOperators.GE, thr).toLong();
        long b3 = w3.compare(VectorOperators.GE, thr).toLong();
        for (int j = 0, e = at; j < LANES; j++, e += 4) {
            keep[e] = (b0 >>> j & 1) != 0;
            keep[e + 1] = (b1 >>> j & 1) != 0;
            keep[e + 2] = (b2 >>> j & 1) != 0;
            keep[e + 3] = (b3 >>> j & 1) != 0;
        }
    }
}
