package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcdrop.backend.McAccumulators;
import org.junit.jupiter.api.Test;

/** The uncertainty metrics on cases computed by hand. */
class McSummaryTest {
    private static final int K = 10;

    /** Accumulator row of T samples each with the given probabilities. */
    private static float[] accumulate(float[][] samples) {
        float[] acc = new float[McAccumulators.width(K)];
        int mean = McAccumulators.meanOffset(K), m2 = McAccumulators.m2Offset(K);
        int t = 0;
        for (float[] p : samples) {
            t++;
            int best = 0;
            double h = 0;
            for (int k = 0; k < K; k++) {
                acc[McAccumulators.sumOffset(K) + k] += p[k];
                float delta = p[k] - acc[mean + k];
                acc[mean + k] += delta / t;
                acc[m2 + k] += delta * (p[k] - acc[mean + k]);
                if (p[k] > p[best]) best = k;
                if (p[k] > 0) h -= p[k] * Math.log(p[k]);
            }
            acc[McAccumulators.votesOffset(K) + best] += 1;
            acc[McAccumulators.entropyOffset(K)] += (float) h;
        }
        return acc;
    }

    private static float[] oneHot(int k) {
        float[] p = new float[K];
        p[k] = 1;
        return p;
    }

    @Test
    void uniformMeanHasEntropyLn10() {
        float[][] samples = new float[K][];
        for (int t = 0; t < K; t++) samples[t] = oneHot(t); // each sample certain, of a different class
        ImagePrediction r = McSummary.summarize(accumulate(samples), 0, K, K, accumulate(new float[][]{oneHot(3)}), 0);
        assertEquals(Math.log(10), r.entropy(), 1e-6);
        assertEquals(Math.log(10), r.mutualInformation(), 1e-6); // all of it epistemic
        assertEquals(0.9, r.variationRatio(), 1e-9);
        assertEquals(0, r.predicted()); // ties -> lowest index
        assertEquals(Math.sqrt(0.1 - 0.01), r.predictedStd(), 1e-6);
        assertEquals(3, r.standardPredicted());
    }

    @Test
    void agreeingSamplesHaveZeroMutualInformation() {
        float[] p = {0.05f, 0.05f, 0.5f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f};
        float[][] samples = {p, p, p, p, p};
        ImagePrediction r = McSummary.summarize(accumulate(samples), 0, K, 5, accumulate(new float[][]{p}), 0);
        double h = -(0.5 * Math.log(0.5) + 9 * 0.05 * Math.log(0.05));
        assertEquals(h, r.entropy(), 1e-5);
        assertEquals(0, r.mutualInformation(), 1e-5);
        assertEquals(0, r.variationRatio(), 0);
        assertEquals(0, r.predictedStd(), 0, "identical samples: exactly 0 (Σp² − (Σp)²/T in float gave ~1e-4)");
        assertEquals(2, r.predicted());
    }

    @Test
    void twoDisagreeingSamples() {
        float[] a = new float[K], b = new float[K];
        a[0] = 0.8f; a[1] = 0.2f;
        b[0] = 0.2f; b[1] = 0.8f;
        ImagePrediction r = McSummary.summarize(accumulate(new float[][]{a, b, a}), 0, K, 3, accumulate(new float[][]{a}), 0);
        double m0 = 0.6, m1 = 0.4;
        double h = -(m0 * Math.log(m0) + m1 * Math.log(m1));
        double hs = -(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2));
        assertEquals(h, r.entropy(), 1e-6);
        assertEquals(h - hs, r.mutualInformation(), 1e-6);
        assertEquals(1 - 2.0 / 3, r.variationRatio(), 1e-9);
        assertEquals(Math.sqrt((0.64 + 0.04 + 0.64) / 3 - 0.36), r.predictedStd(), 1e-6);
        assertEquals(0.6f, r.meanProbs()[0], 1e-6);
    }
}
