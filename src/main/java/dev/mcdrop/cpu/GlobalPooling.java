package dev.mcdrop.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reductions of a global pool (GlobalAveragePool / GlobalMaxPool: one window over the whole
 * plane), a vector of partial results at a time: for a 7×7 ResNet or MobileNet head this is the
 * whole op. Max has Math.max's semantics (NaN wins, +0 above −0).
 */
final class GlobalPooling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private GlobalPooling() {}

    /** Σ in[from .. from + length). */
    static float sum(float[] in, int from, int length) {
        int i = 0;
        float total = 0f;
        if (length >= S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(length); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, in, from + i));
            total = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) total += in[from + i];
        return total;
    }

    /** max in[from .. from + length), −∞ for nothing. */
    static float max(float[] in, int from, int length) {
        int i = 0;
        float best = Float.NEGATIVE_INFINITY;
        if (length >= S.length()) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bound = S.loopBound(length); i < bound; i += S.length()) {
                acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, in, from + i));
            }
            best = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < length; i++) best = Math.max(best, in[from + i]);
        return best;
    }
}
