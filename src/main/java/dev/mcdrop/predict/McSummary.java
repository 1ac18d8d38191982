package dev.mcdrop.predict;

import dev.mcdrop.backend.McAccumulators;

/**
 * Turns one image's MC accumulator row (Σp, Welford's mean and M2, votes, Σ entropy over T
 * samples, see {@link McAccumulators}) and its standard-dropout probabilities into an {@link ImagePrediction}.
 * Tiny (B×K numbers), so it runs on the host for every backend.
 */
public final class McSummary {
    private McSummary() {}

    public static ImagePrediction summarize(float[] acc, int rowOffset, int classes, int samples,
                                            float[] standardAcc, int standardRowOffset) {
        float[] mean = new float[classes];
        double t = samples;
        double entropy = 0;
        int best = 0;
        double[] m = new double[classes];
        for (int k = 0; k < classes; k++) {
            m[k] = acc[rowOffset + McAccumulators.sumOffset(classes) + k] / t;
            mean[k] = (float) m[k];
            if (m[k] > m[best]) best = k;
            if (m[k] > 0) entropy -= m[k] * Math.log(m[k]);
        }
        double expectedEntropy = acc[rowOffset + McAccumulators.entropyOffset(classes)] / t;
        // One sample (a network without dropout): H(p) − H(p) is 0 by definition, not float rounding noise
        double mi = samples == 1 ? 0.0 : Math.max(0.0, entropy - expectedEntropy);
        double maxVotes = 0;
        for (int k = 0; k < classes; k++) maxVotes = Math.max(maxVotes, acc[rowOffset + McAccumulators.votesOffset(classes) + k]);
        double variationRatio = 1.0 - maxVotes / t;
        double std = Math.sqrt(Math.max(0.0, acc[rowOffset + McAccumulators.m2Offset(classes) + best] / t));
        float[] standard = new float[classes];
        int standardBest = 0;
        for (int k = 0; k < classes; k++) {
            standard[k] = standardAcc[standardRowOffset + McAccumulators.sumOffset(classes) + k];
            if (standard[k] > standard[standardBest]) standardBest = k;
        }
        return new ImagePrediction(mean, best, entropy, mi, variationRatio, std, standard, standardBest);
    }
}
