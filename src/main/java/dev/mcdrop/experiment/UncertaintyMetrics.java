package dev.mcdrop.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How good a classifier's uncertainty is, as pure functions of its predictive distributions,
 * labels and uncertainty scores: negative log-likelihood, Brier score, expected calibration error
 * (with the per-bin table of a reliability diagram), out-of-distribution detection (AUROC,
 * AUPR-In and AUPR-Out, FPR at 95% TPR with either set as the positives, see {@link Detection}),
 * accuracy against rejection rate and the area under the risk–coverage curve (AURC).
 *
 * <p>Conventions: {@code probs[i]} is image i's distribution over classes; the predicted class is
 * its argmax (lowest index on ties, as {@link dev.mcdrop.predict.ImagePrediction}); an
 * uncertainty score is "higher = more uncertain", so for the generic detection functions
 * ({@link #auroc}, {@link #averagePrecision}, {@link #fprAtTpr}) the positives should score high.
 * Ties between scores are never broken by index: AUROC uses average ranks, AUPR and FPR95 move
 * through whole groups of equal scores, and the rejection curve and AURC take a fraction of a
 * tied group at its expected accuracy (the mean over random tie-breaks).
 */
public final class UncertaintyMetrics {
    /** Probabilities are floored here before the log, so one confident mistake stays finite. */
    public static final double PROBABILITY_FLOOR = 1e-12;
    /** Bins of the expected calibration error (Guo et al. 2017 use 15). */
    public static final int ECE_BINS = 15;
    /** Rejection rates of the accuracy-vs-rejection curve: 0, 0.05, …, 0.5. */
    public static final double[] REJECTION_RATES = {0, .05, .10, .15, .20, .25, .30, .35, .40, .45, .50};

    private UncertaintyMetrics() {}

    /** The uncertainty scores compared in the experiments. */
    public enum Score {
        /** 1 − max_k p_k: low confidence = uncertain. */
        MAX_PROBABILITY("max probability"),
        /** Predictive entropy −Σ p ln p (nats). */
        ENTROPY("predictive entropy"),
        /** Mutual information (BALD) between prediction and weights; 0 without sampling. */
        MUTUAL_INFORMATION("mutual information");

        public final String label;

        Score(String label) { this.label = label; }
    }

    // ------------------------------------------------------------------ scores of one image

    public static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
        return best;
    }

    public static double maxProbability(float[] p) { return p[argmax(p)]; }

    /** −Σ p ln p in nats (0·ln 0 = 0). */
    public static double entropy(float[] p) {
        double h = 0;
        for (float v : p) if (v > 0) h -= v * Math.log(v);
        return h;
    }

    // ------------------------------------------------------------------ proper scoring rules

    /** Mean over images of −ln max(p_y, 1e-12). */
    public static double nll(float[][] probs, int[] labels) {
        check(probs, labels);
        double s = 0;
        for (int i = 0; i < probs.length; i++) s -= Math.log(Math.max(probs[i][labels[i]], PROBABILITY_FLOOR));
        return s / probs.length;
    }

    /** Mean over images of Σ_k (p_k − y_k)², y one-hot; 0 is perfect, 2 the worst. */
    public static double brier(float[][] probs, int[] labels) {
        check(probs, labels);
        double s = 0;
        for (int i = 0; i < probs.length; i++) {
            for (int k = 0; k < probs[i].length; k++) {
                double d = probs[i][k] - (k == labels[i] ? 1.0 : 0.0);
                s += d * d;
            }
        }
        return s / probs.length;
    }

    /** Fraction of images whose argmax is the label. */
    public static double accuracy(float[][] probs, int[] labels) {
        return (double) (probs.length - errors(probs, labels)) / probs.length;
    }

    /** Number of images whose argmax is not the label. */
    public static int errors(float[][] probs, int[] labels) {
        check(probs, labels);
        int wrong = 0;
        for (int i = 0; i < probs.length; i++) if (argmax(probs[i]) != labels[i]) wrong++;
        return wrong;
    }

    // ------------------------------------------------------------------ calibration

    /** One confidence bin (lower, upper]; accuracy and confidence are NaN when it is empty. */
    public record Bin(double lower, double upper, int count, double accuracy, double confidence) {}

    /** ECE = Σ_b |B_b|/N · |acc_b − conf_b| and the bins it came from. */
    public record Calibration(double ece, List<Bin> bins) {}

    /**
     * Expected calibration error over {@code bins} equal-width confidence bins, confidence = max
     * probability; bin b holds confidences in (b/M, (b+1)/M] (confidence 0 goes to bin 0).
     */
    public static Calibration calibration(float[][] probs, int[] labels, int bins) {
        check(probs, labels);
        if (bins < 1) throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        int[] count = new int[bins];
        double[] correct = new double[bins], confidence = new double[bins];
        for (int i = 0; i < probs.length; i++) {
            int predicted = argmax(probs[i]);
            double c = probs[i][predicted];
            int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(c * bins) - 1));
            count[b]++;
            confidence[b] += c;
            if (predicted == labels[i]) correct[b]++;
        }
        double ece = 0;
        List<Bin> table = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double acc = count[b] == 0 ? Double.NaN : correct[b] / count[b];
            double conf = count[b] == 0 ? Double.NaN : confidence[b] / count[b];
            if (count[b] > 0) ece += (double) count[b] / probs.length * Math.abs(acc - conf);
            table.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], acc, conf));
        }
        return new Calibration(ece, List.copyOf(table));
    }

    public static Calibration calibration(float[][] probs, int[] labels) {
        return calibration(probs, labels, ECE_BINS);
    }

    // ------------------------------------------------------------------ detection

    /**
     * Area under the ROC curve of {@code score} separating {@code positive} from the rest, by the
     * Mann–Whitney rank sum with average ranks for ties: 1 = every positive scores above every
     * negative, 0.5 = no better than chance.
     */
    public static double auroc(double[] score, boolean[] positive) {
        int n = checkDetection(score, positive);
        Integer[] order = ascending(score);
        double rankSumPositive = 0;
        long positives = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && score[order[end + 1]] == score[order[start]]) end++;
            double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int j = start; j <= end; j++) {
                if (positive[order[j]]) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Area under the precision–recall curve as average precision, Σ (R_t − R_{t−1})·P_t over the
     * distinct thresholds t from the highest score down (scikit-learn's definition), with
     * {@code positive} the class that should score high: for OOD detection by uncertainty with the
     * OOD images positive this is AUPR-Out (see {@link #detection} for both).
     */
    public static double averagePrecision(double[] score, boolean[] positive) {
        int n = checkDetection(score, positive);
        Integer[] order = descending(score);
        long totalPositives = countTrue(positive);
        long tp = 0, fp = 0;
        double ap = 0, lastRecall = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && score[order[end + 1]] == score[order[start]]) end++;
            for (int j = start; j <= end; j++) {
                if (positive[order[j]]) tp++; else fp++;
            }
            double recall = (double) tp / totalPositives;
            ap += (recall - lastRecall) * tp / (tp + fp);
            lastRecall = recall;
            start = end + 1;
        }
        return ap;
    }

    /**
     * False-positive rate at the highest threshold whose true-positive rate reaches
     * {@code tpr} (e.g. 0.95), calling "positive" every score ≥ the threshold.
     */
    public static double fprAtTpr(double[] score, boolean[] positive, double tpr) {
        int n = checkDetection(score, positive);
        if (!(tpr > 0 && tpr <= 1)) throw new IllegalArgumentException("TPR must be in (0, 1], got " + tpr);
        Integer[] order = descending(score);
        long totalPositives = countTrue(positive), totalNegatives = n - totalPositives;
        long tp = 0, fp = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && score[order[end + 1]] == score[order[start]]) end++;
            for (int j = start; j <= end; j++) {
                if (positive[order[j]]) tp++; else fp++;
            }
            if ((double) tp / totalPositives >= tpr - 1e-12) return (double) fp / totalNegatives;
            start = end + 1;
        }
        return 1.0;
    }

    public static double fpr95(double[] score, boolean[] positive) { return fprAtTpr(score, positive, 0.95); }

    /**
     * The ROC curve: {@code [fpr[], tpr[]]} from (0, 0) through one point per distinct threshold,
     * highest first, to (1, 1). Its trapezoidal area equals {@link #auroc}.
     */
    public static double[][] rocCurve(double[] score, boolean[] positive) {
        int n = checkDetection(score, positive);
        Integer[] order = descending(score);
        long totalPositives = countTrue(positive), totalNegatives = n - totalPositives;
        List<double[]> points = new ArrayList<>(List.of(new double[]{0, 0}));
        long tp = 0, fp = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && score[order[end + 1]] == score[order[start]]) end++;
            for (int j = start; j <= end; j++) {
                if (positive[order[j]]) tp++; else fp++;
            }
            points.add(new double[]{(double) fp / totalNegatives, (double) tp / totalPositives});
            start = end + 1;
        }
        double[][] curve = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            curve[0][i] = points.get(i)[0];
            curve[1][i] = points.get(i)[1];
        }
        return curve;
    }

    /**
     * Out-of-distribution detection by one uncertainty score, in both conventions of the
     * literature. "In-positive" treats the in-distribution images as the positives ranked by
     * confidence (low uncertainty first), as Hendrycks &amp; Gimpel (2017) and ODIN (Liang et al.
     * 2018) do; "OOD-positive" treats the out-of-distribution images as the positives ranked by
     * uncertainty.
     *
     * @param auroc             area under the ROC curve (the same in both conventions)
     * @param auprIn            average precision with in-distribution images positive, ranked by confidence
     * @param auprOut           average precision with out-of-distribution images positive, ranked by uncertainty
     * @param fpr95InPositive   fraction of OOD images accepted (uncertainty ≤ threshold) at the lowest
     *                          threshold that accepts ≥ 95% of the in-distribution images
     * @param fpr95OodPositive  fraction of in-distribution images flagged (uncertainty ≥ threshold) at the
     *                          highest threshold that flags ≥ 95% of the OOD images
     */
    public record Detection(double auroc, double auprIn, double auprOut, double fpr95InPositive, double fpr95OodPositive) {}

    /** {@link Detection} of the uncertainties of in-distribution and out-of-distribution images (each set non-empty). */
    public static Detection detection(double[] uncertaintyIn, double[] uncertaintyOod) {
        if (uncertaintyIn.length == 0 || uncertaintyOod.length == 0) {
            throw new IllegalArgumentException("detection needs in-distribution and out-of-distribution images, got "
                    + uncertaintyIn.length + " and " + uncertaintyOod.length);
        }
        int n = uncertaintyIn.length + uncertaintyOod.length;
        double[] uncertainty = new double[n], confidence = new double[n];
        boolean[] ood = new boolean[n], in = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean isIn = i < uncertaintyIn.length;
            uncertainty[i] = isIn ? uncertaintyIn[i] : uncertaintyOod[i - uncertaintyIn.length];
            confidence[i] = 0.0 - uncertainty[i]; // 0.0 − x, not −x: no −0.0 next to +0.0
            in[i] = isIn;
            ood[i] = !isIn;
        }
        return new Detection(auroc(uncertainty, ood), averagePrecision(confidence, in), averagePrecision(uncertainty, ood),
                fpr95(confidence, in), fpr95(uncertainty, ood));
    }

    // ------------------------------------------------------------------ selective prediction

    /**
     * Area under the risk–coverage curve (Geifman &amp; El-Yaniv 2017; Geifman et al. 2019): keep
     * the k least uncertain images, k = 1…N, and average their error rates (the selective risk at
     * coverage k/N): AURC = (1/N) Σ_k errors(k)/k. 0 is best; a ranking that puts every mistake
     * last reaches {@link #oracleAurc}. Within a group of equal uncertainty straddling k, errors(k)
     * counts the group's part at its error rate (the mean over random tie-breaks).
     */
    public static double aurc(boolean[] correct, double[] uncertainty) {
        int n = checkSelective(correct, uncertainty);
        Integer[] order = ascending(uncertainty);
        double sum = 0, errorsBefore = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && uncertainty[order[end + 1]] == uncertainty[order[start]]) end++;
            int size = end - start + 1, groupErrors = 0;
            for (int j = start; j <= end; j++) if (!correct[order[j]]) groupErrors++;
            for (int taken = 1; taken <= size; taken++) {
                sum += (errorsBefore + (double) taken * groupErrors / size) / (start + taken);
            }
            errorsBefore += groupErrors;
            start = end + 1;
        }
        return sum / n;
    }

    /** The smallest AURC the outcomes allow: every mistake ranked after every correct answer. */
    public static double oracleAurc(boolean[] correct) {
        int n = correct.length;
        if (n == 0) throw new IllegalArgumentException("no images");
        long right = countTrue(correct);
        double sum = 0;
        for (long k = right + 1; k <= n; k++) sum += (double) (k - right) / k;
        return sum / n;
    }

    /**
     * Excess AURC (E-AURC, Geifman et al. 2019): {@link #aurc} minus {@link #oracleAurc}, the part
     * of the AURC due to the ranking rather than to the error rate; 0 = the score ranks every
     * mistake last.
     */
    public static double excessAurc(boolean[] correct, double[] uncertainty) {
        return aurc(correct, uncertainty) - oracleAurc(correct);
    }

    // ------------------------------------------------------------------ rejection

    /**
     * Accuracy on the images kept after refusing the most uncertain {@code round(r·N)} of them,
     * for each rate r in {@code rates}. Within a group of equal uncertainty straddling the cut,
     * the refused part is taken at the group's accuracy (the expectation over random tie-breaks).
     */
    public static double[] rejectionCurve(boolean[] correct, double[] uncertainty, double[] rates) {
        if (correct.length != uncertainty.length) {
            throw new IllegalArgumentException(correct.length + " outcomes but " + uncertainty.length + " scores");
        }
        int n = correct.length;
        if (n == 0) throw new IllegalArgumentException("no images");
        Integer[] order = descending(uncertainty);
        double[] result = new double[rates.length];
        long totalCorrect = countTrue(correct);
        for (int r = 0; r < rates.length; r++) {
            if (!(rates[r] >= 0 && rates[r] < 1)) throw new IllegalArgumentException("rejection rate must be in [0, 1), got " + rates[r]);
            int reject = (int) Math.round(rates[r] * n);
            double correctRejected = 0;
            int done = 0;
            for (int start = 0; start < n && done < reject; ) {
                int end = start;
                while (end + 1 < n && uncertainty[order[end + 1]] == uncertainty[order[start]]) end++;
                int size = end - start + 1, groupCorrect = 0;
                for (int j = start; j <= end; j++) if (correct[order[j]]) groupCorrect++;
                int take = Math.min(size, reject - done);
                correctRejected += (double) take * groupCorrect / size;
                done += take;
                start = end + 1;
            }
            result[r] = (totalCorrect - correctRejected) / (n - reject);
        }
        return result;
    }

    // ------------------------------------------------------------------ helpers

    private static void check(float[][] probs, int[] labels) {
        if (probs.length != labels.length) {
            throw new IllegalArgumentException(probs.length + " predictions but " + labels.length + " labels");
        }
        if (probs.length == 0) throw new IllegalArgumentException("no images");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= probs[i].length) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, " + probs[i].length + ")");
            }
        }
    }

    private static int checkDetection(double[] score, boolean[] positive) {
        if (score.length != positive.length) {
            throw new IllegalArgumentException(score.length + " scores but " + positive.length + " labels");
        }
        long p = countTrue(positive);
        if (p == 0 || p == score.length) {
            throw new IllegalArgumentException("detection needs both positives and negatives, got " + p + " of " + score.length);
        }
        for (double s : score) if (Double.isNaN(s)) throw new IllegalArgumentException("NaN score");
        return score.length;
    }

    private static int checkSelective(boolean[] correct, double[] uncertainty) {
        if (correct.length != uncertainty.length) {
            throw new IllegalArgumentException(correct.length + " outcomes but " + uncertainty.length + " scores");
        }
        if (correct.length == 0) throw new IllegalArgumentException("no images");
        for (double s : uncertainty) if (Double.isNaN(s)) throw new IllegalArgumentException("NaN score");
        return correct.length;
    }

    private static long countTrue(boolean[] b) {
        long c = 0;
        for (boolean v : b) if (v) c++;
        return c;
    }

    private static Integer[] ascending(double[] score) {
        Integer[] order = new Integer[score.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        return order;
    }

    private static Integer[] descending(double[] score) {
        Integer[] order = new Integer[score.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        return order;
    }
}
