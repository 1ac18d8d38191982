package dev.mcdrop.predict;

import java.util.function.IntUnaryOperator;

/**
 * Test error and negative log-likelihood of a set of predictions against labels, for the MC
 * predictive distribution and for standard dropout. NLL uses max(p, 1e-12) so one confident
 * mistake cannot make it infinite.
 */
public record Evaluation(int images, int mcErrors, int standardErrors, double mcNll, double standardNll) {
    private static final double FLOOR = 1e-12;

    public static Evaluation of(ImagePrediction[] ps, IntUnaryOperator label) {
        int mc = 0, std = 0;
        double mcNll = 0, stdNll = 0;
        for (int i = 0; i < ps.length; i++) {
            int y = label.applyAsInt(i);
            if (y < 0 || y >= ps[i].meanProbs().length) { // callers check labels before predicting; never an index error here
                throw new IllegalArgumentException("image " + i + " has label " + y + ", outside the model's "
                        + ps[i].meanProbs().length + " classes");
            }
            if (ps[i].predicted() != y) mc++;
            if (ps[i].standardPredicted() != y) std++;
            mcNll -= Math.log(Math.max(ps[i].meanProbs()[y], FLOOR));
            stdNll -= Math.log(Math.max(ps[i].standardProbs()[y], FLOOR));
        }
        return new Evaluation(ps.length, mc, std, mcNll / ps.length, stdNll / ps.length);
    }

    public double mcErrorPercent() { return 100.0 * mcErrors / images; }

    public double standardErrorPercent() { return 100.0 * standardErrors / images; }
}
