package dev.mcdrop.rng;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout multipliers for a run of consecutive elements, 32 at a time: the group's 8
 * Philox4x32-10 blocks run in one 512-bit vector (32-bit words in 64-bit lanes, so the 32×32→64
 * products of a round are lane multiplies), and output word w of the 8 blocks is the mask of 8
 * consecutive elements (the layout {@link DropoutMask} defines), compared and stored as one
 * vector. Bit-identical to {@link DropoutMask#keep}.
 *
 * <p>Why: masks are the one per-element cost of MC dropout that better GEMMs do not shrink —
 * LeNet's first dropout alone draws 11,520 values per (sample, image).
 */
public final class PhiloxBulk {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final long LOW = 0xFFFFFFFFL;
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final LongVector LANE = LongVector.zero(S).addIndex(1);

    /** Elements per group (8 blocks × 4 words). */
    public static final int GROUP = 32;

    private PhiloxBulk() {}

    /**
     * {@code out[outOffset + i] = keep(firstElement + i) ? scale : 0} for {@code 0 <= i < count}.
     * {@code scratch} holds at least {@link #GROUP} floats (for partial groups at the ends).
     */
    public static void multipliers(long seed, long sample, long image, int layer, long firstElement, int count,
                                   int threshold, float scale, float[] out, int outOffset, float[] scratch) {
        if (count <= 0) return;
        long end = firstElement + count;
        long group = firstElement >>> 5;
        long lastGroup = (end - 1) >>> 5;
        for (; group <= lastGroup; group++) {
            long base = group << 5;
            if (base >= firstElement && base + GROUP <= end) {
                group(seed, sample, image, layer, group, threshold, scale, out, outOffset + (int) (base - firstElement));
            } else {
                group(seed, sample, image, layer, group, threshold, scale, scratch, 0);
                long from = Math.max(base, firstElement), to = Math.min(base + GROUP, end);
                System.arraycopy(scratch, (int) (from - base), out, outOffset + (int) (from - firstElement), (int) (to - from));
            }
        }
    }

    /** Writes the 32 multipliers of element group {@code group} to {@code out[offset .. offset+32)}. */
    public static void group(long seed, long sample, long image, int layer, long group, int threshold, float scale,
                             float[] out, int offset) {
        LongVector x0 = LANE.add(group << 3).and(LOW);
        LongVector x1 = LongVector.broadcast(S, image & LOW);
        LongVector x2 = LongVector.broadcast(S, sample & LOW);
        LongVector x3 = LongVector.broadcast(S, layer & LOW);
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < Philox4x32.ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            // Both factors masked to 32 bits: C2 then emits one VPMULUDQ (32×32→64) per multiply
            // instead of a full 64-bit VPMULLQ; 1.47 → 1.15 ns per mask on AVX-512 (docs/BENCHMARKS.md).
            LongVector p0 = x0.and(LOW).mul(LongVector.broadcast(S, M0).and(LOW));
            LongVector p1 = x2.and(LOW).mul(LongVector.broadcast(S, M1).and(LOW));
            LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x1)
                    .lanewise(VectorOperators.XOR, k0 & LOW);
            LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x3)
                    .lanewise(VectorOperators.XOR, k1 & LOW);
            x1 = p1.and(LOW);
            x3 = p0.and(LOW);
            x0 = n0;
            x2 = n2;
        }
        long t = threshold & LOW;
        FloatVector kept = FloatVector.broadcast(F, scale), dropped = FloatVector.zero(F);
        dropped.blend(kept, x0.compare(VectorOperators.GE, t).cast(F)).intoArray(out, offset);
        dropped.blend(kept, x1.compare(VectorOperators.GE, t).cast(F)).intoArray(out, offset + 8);
        dropped.blend(kept, x2.compare(VectorOperators.GE, t).cast(F)).intoArray(out, offset + 16);
        dropped.blend(kept, x3.compare(VectorOperators.GE, t).cast(F)).intoArray(out, offset + 24);
    }
}
