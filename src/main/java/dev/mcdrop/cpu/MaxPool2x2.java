package dev.mcdrop.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2×2 / stride-2 max pooling of one plane with even width (LeNet's case), vectorised in two
 * passes: rows pairwise (vertical max into a scratch plane of oh×w), then neighbouring columns
 * pairwise over that scratch read flat — with w even, a pair never straddles two rows, so
 * {@code out[j] = max(v[2j], v[2j+1])} for the whole plane at once, 16 outputs per
 * two-vector permute. Same values (NaN included) as {@code Math.max}.
 */
final class MaxPool2x2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);     // 2i ≥ L selects from b
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    private MaxPool2x2() {}

    static boolean applies(int kernel, int stride, int height, int width) {
        return kernel == 2 && stride == 2 && width % 2 == 0 && height % 2 == 0 && S.length() == 16;
    }

    /** out[oh·ow] from in[h·w] (h, w even); {@code v} holds at least (h/2)·w floats. */
    static void plane(float[] in, int src, int h, int w, float[] out, int dst, float[] v) {
        int oh = h / 2, n = oh * w;
        for (int oy = 0; oy < oh; oy++) {
            int top = src + 2 * oy * w, bottom = top + w, row = oy * w;
            int x = 0;
            for (; x + L <= w; x += L) {
                FloatVector.fromArray(S, in, top + x).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, in, bottom + x))
                        .intoArray(v, row + x);
            }
            for (; x < w; x++) v[row + x] = Math.max(in[top + x], in[bottom + x]);
        }
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, v, j), b = FloatVector.fromArray(S, v, j + L);
            a.rearrange(EVEN, b).lanewise(VectorOperators.MAX, a.rearrange(ODD, b)).intoArray(out, dst + j / 2);
        }
        for (; j < n; j += 2) out[dst + j / 2] = Math.max(v[j], v[j + 1]);
    }
}
