package dev.mcdrop.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every metric of {@link UncertaintyMetrics} on cases small enough to compute by hand. */
class UncertaintyMetricsTest {
    private static final double EPS = 1e-6;

    private static float[] oneHot(int k, int classes) {
        float[] p = new float[classes];
        p[k] = 1f;
        return p;
    }

    @Test
    void perfectClassifierScoresPerfectly() {
        int n = 50, classes = 10;
        float[][] probs = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            probs[i] = oneHot(labels[i], classes);
        }
        assertEquals(0.0, UncertaintyMetrics.nll(probs, labels), 0.0);
        assertEquals(0.0, UncertaintyMetrics.brier(probs, labels), 0.0);
        assertEquals(1.0, UncertaintyMetrics.accuracy(probs, labels), 0.0);
        UncertaintyMetrics.Calibration c = UncertaintyMetrics.calibration(probs, labels);
        assertEquals(0.0, c.ece(), 0.0);
        assertEquals(15, c.bins().size());
        assertEquals(n, c.bins().get(14).count(), "confidence 1 lands in the last bin");
        // a detector whose scores separate the classes perfectly
        double[] score = {0.9, 0.8, 0.7, 0.3, 0.2, 0.1};
        boolean[] positive = {true, true, true, false, false, false};
        assertEquals(1.0, UncertaintyMetrics.auroc(score, positive), 0.0);
        assertEquals(1.0, UncertaintyMetrics.averagePrecision(score, positive), 0.0);
        assertEquals(0.0, UncertaintyMetrics.fpr95(score, positive), 0.0);
    }

    @Test
    void confidentMistakeHasLargeButFiniteNll() {
        float[][] probs = {oneHot(0, 3)};
        double nll = UncertaintyMetrics.nll(probs, new int[]{1});
        assertEquals(-Math.log(1e-12), nll, 1e-9);
        assertEquals(2.0, UncertaintyMetrics.brier(probs, new int[]{1}), 0.0, "worst possible Brier score is 2");
    }

    @Test
    void nllAndBrierOnHandComputedCase() {
        float[][] probs = {{0.7f, 0.2f, 0.1f}, {0.7f, 0.2f, 0.1f}};
        int[] labels = {0, 1};
        assertEquals(-(Math.log(0.7) + Math.log(0.2)) / 2, UncertaintyMetrics.nll(probs, labels), EPS);
        // label 0: .09+.04+.01 = .14; label 1: .49+.64+.01 = 1.14; mean .64
        assertEquals(0.64, UncertaintyMetrics.brier(probs, labels), EPS);
        assertEquals(0.5, UncertaintyMetrics.accuracy(probs, labels), 0.0);
    }

    @Test
    void knownEceOnTwoOccupiedBins() {
        // 4 images at confidence 0.9 (bin (13/15, 14/15]), 3 right: |0.75 − 0.9| = 0.15
        // 6 images at confidence 0.45 (bin (6/15, 7/15]), 3 right: |0.5 − 0.45| = 0.05
        // ECE = 0.4·0.15 + 0.6·0.05 = 0.09
        float[][] probs = new float[10][];
        int[] labels = new int[10];
        for (int i = 0; i < 4; i++) {
            probs[i] = new float[]{0.9f, 0.05f, 0.05f};
            labels[i] = i < 3 ? 0 : 1;
        }
        for (int i = 4; i < 10; i++) {
            probs[i] = new float[]{0.3f, 0.45f, 0.25f};
            labels[i] = i < 7 ? 1 : 2;
        }
        UncertaintyMetrics.Calibration c = UncertaintyMetrics.calibration(probs, labels);
        assertEquals(0.09, c.ece(), EPS);
        var high = c.bins().get(13);
        assertEquals(4, high.count());
        assertEquals(0.75, high.accuracy(), EPS);
        assertEquals(0.9, high.confidence(), EPS);
        var low = c.bins().get(6);
        assertEquals(6, low.count());
        assertEquals(0.5, low.accuracy(), EPS);
        assertEquals(0.45, low.confidence(), EPS);
        int occupied = 0;
        for (var b : c.bins()) if (b.count() > 0) occupied++; else assertTrue(Double.isNaN(b.accuracy()));
        assertEquals(2, occupied);
        assertEquals(13.0 / 15, high.lower(), 1e-12);
        assertEquals(14.0 / 15, high.upper(), 1e-12);
    }

    @Test
    void randomDetectorIsNearHalf() {
        Random r = new Random(7);
        int n = 20_000;
        double[] score = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            score[i] = r.nextDouble();
            positive[i] = r.nextDouble() < 0.3;
        }
        assertEquals(0.5, UncertaintyMetrics.auroc(score, positive), 0.015);
        assertEquals(0.3, UncertaintyMetrics.averagePrecision(score, positive), 0.015, "AP of chance = positive rate");
        assertEquals(0.95, UncertaintyMetrics.fpr95(score, positive), 0.015, "FPR95 of chance ≈ 0.95");
    }

    @Test
    void randomClassifierHasChanceAccuracyAndAurocOfCorrectness() {
        // predictions unrelated to labels: accuracy ≈ 1/10 and confidence does not separate right from wrong
        Random r = new Random(11);
        int n = 20_000;
        float[][] probs = new float[n][10];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < 10; k++) sum += probs[i][k] = (float) r.nextDouble();
            for (int k = 0; k < 10; k++) probs[i][k] /= (float) sum;
            labels[i] = r.nextInt(10);
        }
        assertEquals(0.1, UncertaintyMetrics.accuracy(probs, labels), 0.01);
        double[] confidence = new double[n];
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            confidence[i] = UncertaintyMetrics.maxProbability(probs[i]);
            correct[i] = UncertaintyMetrics.argmax(probs[i]) == labels[i];
        }
        assertEquals(0.5, UncertaintyMetrics.auroc(confidence, correct), 0.02);
    }

    @Test
    void aurocAveragesTiedRanks() {
        // pairs (pos, neg): (.8,.5)=1, (.8,.2)=1, (.5,.5)=½, (.5,.2)=1 → 3.5/4
        double[] score = {0.8, 0.5, 0.5, 0.2};
        boolean[] positive = {true, true, false, false};
        assertEquals(0.875, UncertaintyMetrics.auroc(score, positive), 1e-12);
        assertEquals(0.5, UncertaintyMetrics.auroc(new double[]{3, 3, 3, 3}, positive), 1e-12, "all tied = chance");
        assertEquals(0.0, UncertaintyMetrics.auroc(new double[]{1, 2, 3, 4}, positive), 1e-12, "reversed scores");
    }

    @Test
    void rocCurveAreaEqualsAuroc() {
        double[] score = {0.8, 0.5, 0.5, 0.2, 0.9, 0.1, 0.5};
        boolean[] positive = {true, true, false, false, false, true, true};
        double[][] roc = UncertaintyMetrics.rocCurve(score, positive);
        assertArrayEquals(new double[]{0, 0}, new double[]{roc[0][0], roc[1][0]});
        int last = roc[0].length - 1;
        assertArrayEquals(new double[]{1, 1}, new double[]{roc[0][last], roc[1][last]});
        assertEquals(6, roc[0].length, "origin + 5 distinct thresholds");
        double area = 0;
        for (int i = 1; i <= last; i++) area += (roc[0][i] - roc[0][i - 1]) * (roc[1][i] + roc[1][i - 1]) / 2;
        assertEquals(UncertaintyMetrics.auroc(score, positive), area, 1e-12);
        // by pairs (positive above negative = 1, tie = ½): .8 → 2, .5 → 1.5, .1 → 0, .5 → 1.5; 5 of 12
        assertEquals(5.0 / 12, area, 1e-12);
    }

    @Test
    void averagePrecisionOnHandComputedCase() {
        // P N P N by descending score: recall ½ at precision 1, then recall 1 at precision ⅔ → ½ + ⅓
        double[] score = {0.9, 0.8, 0.7, 0.6};
        boolean[] positive = {true, false, true, false};
        assertEquals(0.5 + 1.0 / 3, UncertaintyMetrics.averagePrecision(score, positive), 1e-12);
        // a tie between a positive and a negative counts as one threshold: precision ½ at recall 1
        assertEquals(0.5, UncertaintyMetrics.averagePrecision(new double[]{1, 1}, new boolean[]{true, false}), 1e-12);
    }

    @Test
    void fpr95OnConstructedCase() {
        // positives score 10..29; negatives 0..9 plus 10.5 and 11.5. TPR first reaches 19/20 = 0.95 at
        // threshold 11, where one negative (11.5) of 12 is above it.
        double[] score = new double[32];
        boolean[] positive = new boolean[32];
        for (int i = 0; i < 20; i++) {
            score[i] = 10 + i;
            positive[i] = true;
        }
        for (int j = 0; j < 10; j++) score[20 + j] = j;
        score[30] = 10.5;
        score[31] = 11.5;
        assertEquals(1.0 / 12, UncertaintyMetrics.fpr95(score, positive), 1e-12);
        assertEquals(2.0 / 12, UncertaintyMetrics.fprAtTpr(score, positive, 1.0), 1e-12);
    }

    @Test
    void rejectionCurveRisesForAWellOrderedScore() {
        // 10 images, the 2 wrong ones are the most uncertain
        boolean[] correct = {true, true, true, true, true, true, true, true, false, false};
        double[] uncertainty = {0.1, 0.2, 0.15, 0.05, 0.3, 0.25, 0.12, 0.18, 0.9, 0.8};
        double[] acc = UncertaintyMetrics.rejectionCurve(correct, uncertainty, new double[]{0, 0.1, 0.2, 0.5});
        assertArrayEquals(new double[]{0.8, 8.0 / 9, 1.0, 1.0}, acc, 1e-12);

        Random r = new Random(3);
        int n = 1000;
        correct = new boolean[n];
        uncertainty = new double[n];
        for (int i = 0; i < n; i++) {
            uncertainty[i] = r.nextDouble();
            correct[i] = r.nextDouble() > uncertainty[i]; // more uncertain → more often wrong
        }
        double[] curve = UncertaintyMetrics.rejectionCurve(correct, uncertainty, UncertaintyMetrics.REJECTION_RATES);
        for (int i = 1; i < curve.length; i++) assertTrue(curve[i] >= curve[i - 1], "monotone at " + i);
        assertTrue(curve[curve.length - 1] > curve[0] + 0.15);
    }

    @Test
    void rejectionOfTiedScoresKeepsTheExpectedAccuracy() {
        boolean[] correct = {true, false, true, false};
        double[] acc = UncertaintyMetrics.rejectionCurve(correct, new double[]{1, 1, 1, 1}, new double[]{0, 0.25, 0.5});
        assertArrayEquals(new double[]{0.5, 0.5, 0.5}, acc, 1e-12);
    }

    @Test
    void entropyAndMaxProbability() {
        float[] uniform = {0.25f, 0.25f, 0.25f, 0.25f};
        assertEquals(Math.log(4), UncertaintyMetrics.entropy(uniform), 1e-7);
        assertEquals(0.0, UncertaintyMetrics.entropy(oneHot(2, 4)), 0.0);
        assertEquals(0.25, UncertaintyMetrics.maxProbability(uniform), 0.0);
        assertEquals(0, UncertaintyMetrics.argmax(uniform), "lowest index on ties");
    }

    @Test
    void rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.nll(new float[][]{{1f}}, new int[]{0, 1}));
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.brier(new float[][]{{1f, 0f}}, new int[]{2}));
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.auroc(new double[]{1, 2}, new boolean[]{true, true}));
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.calibration(new float[0][], new int[0]));
    }
}
