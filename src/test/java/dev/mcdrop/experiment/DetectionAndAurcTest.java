package dev.mcdrop.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * OOD detection in both conventions (AUROC, AUPR-In, AUPR-Out, FPR95 with either set positive)
 * and the area under the risk–coverage curve, each checked on hand-computed cases and against an
 * independent brute-force computation written from the definition: AUROC by counting pairs,
 * AUPR by re-counting every threshold's confusion matrix, FPR95 by sweeping every threshold, AURC
 * by averaging the direct sum over every ordering that breaks the ties. Many ties throughout.
 */
class DetectionAndAurcTest {
    private static final double EXACT = 1e-12;

    // ------------------------------------------------------------------ hand cases

    @Test
    void detectionOnAHandComputedCase() {
        // in: .1 .2 .5, OOD: .3 .9 (uncertainties)
        UncertaintyMetrics.Detection d = UncertaintyMetrics.detection(new double[]{.1, .2, .5}, new double[]{.3, .9});
        // pairs OOD above in: .3 > .1, .2; .9 > all three → 5 of 6
        assertEquals(5.0 / 6, d.auroc(), EXACT);
        // OOD positive, most uncertain first: .9 ood (R ½, P 1), .5 in, .3 ood (R 1, P ⅔) → ½ + ⅓
        assertEquals(5.0 / 6, d.auprOut(), EXACT);
        // in positive, most confident first: .1 (R ⅓, P 1), .2 (R ⅔, P 1), .3 ood, .5 (R 1, P ¾) → ⅓ + ⅓ + ¼
        assertEquals(11.0 / 12, d.auprIn(), EXACT);
        // in positive: accepting 95% of the in-distribution images needs all three (u ≤ .5): OOD .3 is accepted → ½
        assertEquals(0.5, d.fpr95InPositive(), EXACT);
        // OOD positive: flagging 95% of OOD needs both (u ≥ .3): in-distribution .5 is flagged → ⅓
        assertEquals(1.0 / 3, d.fpr95OodPositive(), EXACT);
    }

    @Test
    void theGenericFunctionsAreTheOodPositiveConvention() {
        double[] in = {.1, .2, .5, .5}, ood = {.3, .5, .9};
        double[] all = {.1, .2, .5, .5, .3, .5, .9};
        boolean[] oodPositive = {false, false, false, false, true, true, true};
        UncertaintyMetrics.Detection d = UncertaintyMetrics.detection(in, ood);
        assertEquals(UncertaintyMetrics.averagePrecision(all, oodPositive), d.auprOut(), EXACT, "the experiment's old AUPR was AUPR-Out");
        assertEquals(UncertaintyMetrics.fpr95(all, oodPositive), d.fpr95OodPositive(), EXACT, "its old FPR95 had OOD positive");
        assertEquals(UncertaintyMetrics.auroc(all, oodPositive), d.auroc(), EXACT);
        assertNotEquals(d.auprIn(), d.auprOut(), 1e-6, "the two AUPRs are different numbers here");
    }

    @Test
    void perfectAndReversedDetectors() {
        UncertaintyMetrics.Detection perfect = UncertaintyMetrics.detection(new double[]{0, .1, .2}, new double[]{.8, .9});
        assertEquals(new UncertaintyMetrics.Detection(1, 1, 1, 0, 0), perfect);
        UncertaintyMetrics.Detection reversed = UncertaintyMetrics.detection(new double[]{.8, .9}, new double[]{0, .1, .2});
        assertEquals(0, reversed.auroc(), EXACT);
        assertEquals(1, reversed.fpr95InPositive(), EXACT);
        assertEquals(1, reversed.fpr95OodPositive(), EXACT);
        // all tied: one threshold, everything accepted/flagged at once
        UncertaintyMetrics.Detection tied = UncertaintyMetrics.detection(new double[]{.5, .5, .5}, new double[]{.5});
        assertEquals(new UncertaintyMetrics.Detection(0.5, 0.75, 0.25, 1, 1), tied);
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.detection(new double[0], new double[]{1}));
    }

    @Test
    void aurcOnHandComputedCases() {
        boolean[] correct = {true, true, false};
        // mistake ranked last: risks 0, 0, ⅓ → AURC ⅑, the oracle's own
        assertEquals(1.0 / 9, UncertaintyMetrics.aurc(correct, new double[]{.1, .2, .3}), EXACT);
        assertEquals(1.0 / 9, UncertaintyMetrics.oracleAurc(correct), EXACT);
        assertEquals(0, UncertaintyMetrics.excessAurc(correct, new double[]{.1, .2, .3}), EXACT);
        // mistake ranked first: risks 1, ½, ⅓ → 11/18; E-AURC 11/18 − 2/18 = ½
        assertEquals(11.0 / 18, UncertaintyMetrics.aurc(correct, new double[]{.3, .2, .1}), EXACT);
        assertEquals(0.5, UncertaintyMetrics.excessAurc(correct, new double[]{.3, .2, .1}), EXACT);
        // one right and one wrong, tied: expected risk ½ at both coverages; the oracle gets 0 then ½
        boolean[] pair = {true, false};
        assertEquals(0.5, UncertaintyMetrics.aurc(pair, new double[]{7, 7}), EXACT);
        assertEquals(0.25, UncertaintyMetrics.oracleAurc(pair), EXACT);
        // all right / all wrong: AURC 0 / 1 whatever the scores, nothing in excess
        assertEquals(0, UncertaintyMetrics.aurc(new boolean[]{true, true}, new double[]{2, 1}), EXACT);
        assertEquals(1, UncertaintyMetrics.aurc(new boolean[]{false, false}, new double[]{2, 1}), EXACT);
        assertEquals(0, UncertaintyMetrics.excessAurc(new boolean[]{false, false}, new double[]{2, 1}), EXACT);
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.aurc(new boolean[0], new double[0]));
        assertThrows(IllegalArgumentException.class, () -> UncertaintyMetrics.aurc(new boolean[]{true}, new double[]{Double.NaN}));
    }

    // ------------------------------------------------------------------ against brute force

    @Test
    void detectionEqualsBruteForceWithManyTies() {
        Random r = new Random(2026);
        for (int trial = 0; trial < 300; trial++) {
            int levels = 1 + r.nextInt(trial % 3 == 0 ? 3 : 12); // few distinct values: ties everywhere
            double[] in = scores(r, 1 + r.nextInt(25), levels, 0), ood = scores(r, 1 + r.nextInt(25), levels, r.nextInt(3));
            UncertaintyMetrics.Detection d = UncertaintyMetrics.detection(in, ood);
            String what = "trial " + trial;
            assertEquals(pairAuroc(ood, in), d.auroc(), 1e-12, what);
            // in positive = ranked by confidence: negate the uncertainties
            assertEquals(sweptAveragePrecision(negate(in), negate(ood)), d.auprIn(), 1e-12, what);
            assertEquals(sweptAveragePrecision(ood, in), d.auprOut(), 1e-12, what);
            assertEquals(sweptFpr95InPositive(in, ood), d.fpr95InPositive(), 1e-12, what);
            assertEquals(sweptFpr95OodPositive(in, ood), d.fpr95OodPositive(), 1e-12, what);
        }
    }

    @Test
    void aurcEqualsTheMeanOverEveryTieBreakingOrder() {
        Random r = new Random(12);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(7), levels = 1 + r.nextInt(4);
            boolean[] correct = new boolean[n];
            for (int i = 0; i < n; i++) correct[i] = r.nextDouble() < 0.6;
            double[] u = scores(r, n, levels, 0);
            double expected = 0;
            List<int[]> orders = tieBreakingOrders(u);
            for (int[] order : orders) expected += directAurc(correct, order);
            expected /= orders.size();
            assertEquals(expected, UncertaintyMetrics.aurc(correct, u), 1e-12, "trial " + trial);
            int[] oracle = new int[n];
            int k = 0;
            for (int i = 0; i < n; i++) if (correct[i]) oracle[k++] = i;
            for (int i = 0; i < n; i++) if (!correct[i]) oracle[k++] = i;
            assertEquals(directAurc(correct, oracle), UncertaintyMetrics.oracleAurc(correct), 1e-12, "trial " + trial);
            assertTrue(UncertaintyMetrics.excessAurc(correct, u) >= -1e-12);
        }
    }

    @Test
    void aurcAgreesWithTheRejectionCurveItSummarises() {
        // the selective risk at coverage 1 − r is 1 − the rejection curve's accuracy at r (same tie rule)
        Random r = new Random(5);
        int n = 40;
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) correct[i] = r.nextDouble() < 0.7;
        double[] u = scores(r, n, 6, 0);
        double[] rates = new double[n];
        for (int k = 0; k < n; k++) rates[k] = (double) k / n; // reject 0 … n−1 images = keep n … 1
        double[] accuracy = UncertaintyMetrics.rejectionCurve(correct, u, rates);
        double sum = 0;
        for (double a : accuracy) sum += 1 - a;
        assertEquals(sum / n, UncertaintyMetrics.aurc(correct, u), 1e-12);
    }

    // ------------------------------------------------------------------ independent definitions

    /** Uncertainties on {@code levels} values, shifted up by {@code shift} levels (OOD above in on average). */
    private static double[] scores(Random r, int n, int levels, int shift) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = (r.nextInt(levels) + shift) / 4.0;
        return s;
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = -v[i];
        return out;
    }

    /** P(positive scores above negative) + ½ P(tie), over all pairs. */
    private static double pairAuroc(double[] pos, double[] neg) {
        double wins = 0;
        for (double p : pos) for (double q : neg) wins += p > q ? 1 : p == q ? 0.5 : 0;
        return wins / ((double) pos.length * neg.length);
    }

    /** Average precision: every distinct score as a threshold (≥ t flagged), precision and recall recounted from scratch. */
    private static double sweptAveragePrecision(double[] pos, double[] neg) {
        double[] thresholds = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(pos), java.util.Arrays.stream(neg))
                .distinct().sorted().toArray();
        double ap = 0, lastRecall = 0;
        for (int i = thresholds.length - 1; i >= 0; i--) {
            double t = thresholds[i];
            int tp = 0, fp = 0;
            for (double p : pos) if (p >= t) tp++;
            for (double q : neg) if (q >= t) fp++;
            double recall = (double) tp / pos.length;
            ap += (recall - lastRecall) * tp / (tp + fp);
            lastRecall = recall;
        }
        return ap;
    }

    /** Accept u ≤ t at the smallest t accepting ≥ 95% of in; the fraction of OOD accepted. */
    private static double sweptFpr95InPositive(double[] in, double[] ood) {
        double best = Double.POSITIVE_INFINITY;
        for (double t : in) {
            int accepted = 0;
            for (double u : in) if (u <= t) accepted++;
            if (accepted >= 0.95 * in.length - 1e-9) best = Math.min(best, t);
        }
        int oodAccepted = 0;
        for (double u : ood) if (u <= best) oodAccepted++;
        return (double) oodAccepted / ood.length;
    }

    /** Flag u ≥ t at the largest t flagging ≥ 95% of OOD; the fraction of in flagged. */
    private static double sweptFpr95OodPositive(double[] in, double[] ood) {
        double best = Double.NEGATIVE_INFINITY;
        for (double t : ood) {
            int flagged = 0;
            for (double u : ood) if (u >= t) flagged++;
            if (flagged >= 0.95 * ood.length - 1e-9) best = Math.max(best, t);
        }
        int inFlagged = 0;
        for (double u : in) if (u >= best) inFlagged++;
        return (double) inFlagged / in.length;
    }

    /** (1/N) Σ_k errors among the first k of {@code order} / k. */
    private static double directAurc(boolean[] correct, int[] order) {
        double sum = 0;
        int errors = 0;
        for (int k = 1; k <= order.length; k++) {
            if (!correct[order[k - 1]]) errors++;
            sum += (double) errors / k;
        }
        return sum / order.length;
    }

    /** Every permutation of the indices that lists the uncertainties in non-decreasing order. */
    private static List<int[]> tieBreakingOrders(double[] u) {
        List<int[]> out = new ArrayList<>();
        permute(u, new int[u.length], new boolean[u.length], 0, out);
        return out;
    }

    private static void permute(double[] u, int[] prefix, boolean[] used, int depth, List<int[]> out) {
        if (depth == u.length) {
            out.add(prefix.clone());
            return;
        }
        for (int i = 0; i < u.length; i++) {
            if (used[i] || (depth > 0 && u[i] < u[prefix[depth - 1]])) continue;
            used[i] = true;
            prefix[depth] = i;
            permute(u, prefix, used, depth + 1, out);
            used[i] = false;
        }
    }
}
