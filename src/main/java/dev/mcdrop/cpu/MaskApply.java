package dev.mcdrop.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vectorised inner loops of the dropout ops: {@code dst = m != 0 ? act(src + bias)·m : 0} over
 * one plane row, m being the row's mask multipliers (0 or 1/(1−p)). A dropped unit is exactly +0
 * (not −0 or NaN), as the reference defines it.
 */
final class MaskApply {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ZERO = FloatVector.zero(S);

    private MaskApply() {}

    /** dst[d+i] = mult[m+i] != 0 ? src[s+i]·mult[m+i] : 0 for i < length. */
    static void masked(float[] src, int s, float[] mult, int m, float[] dst, int d, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += S.length()) {
            FloatVector mv = FloatVector.fromArray(S, mult, m + i);
            FloatVector v = FloatVector.fromArray(S, src, s + i).mul(mv);
            v.blend(ZERO, mv.compare(VectorOperators.EQ, 0f)).intoArray(dst, d + i);
        }
        for (; i < length; i++) {
            float mm = mult[m + i];
            dst[d + i] = mm != 0f ? src[s + i] * mm : 0f;
        }
    }

    /** x[o+i] = mult[m+i] != 0 ? act(x[o+i] + bias)·mult[m+i] : 0 for i < length; act = ReLU when relu. */
    static void biasActMasked(float[] x, int o, float bias, boolean relu, float[] mult, int m, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += S.length()) {
            FloatVector mv = FloatVector.fromArray(S, mult, m + i);
            FloatVector v = FloatVector.fromArray(S, x, o + i).add(bias);
            if (relu) v = v.blend(ZERO, v.compare(VectorOperators.LE, 0f)); // Math.max(v, 0f) for non-NaN v
            v.mul(mv).blend(ZERO, mv.compare(VectorOperators.EQ, 0f)).intoArray(x, o + i);
        }
        for (; i < length; i++) {
            float v = x[o + i] + bias;
            v = relu ? Math.max(v, 0f) : v;
            float mm = mult[m + i];
            x[o + i] = mm != 0f ? v * mm : 0f;
        }
    }
}
