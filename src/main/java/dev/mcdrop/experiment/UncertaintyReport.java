package dev.mcdrop.experiment;

import dev.mcdrop.experiment.UncertaintyExperiment.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Every summary number of a labelled set's predictions, standard against MC dropout: test error,
 * NLL, Brier score, ECE (15 bins), AURC and E-AURC per uncertainty score, and with an
 * out-of-distribution set its detection by every score ({@link UncertaintyMetrics.Detection}).
 * The one computation behind {@code mcdrop experiment uncertainty} and {@code mcdrop eval}, so the
 * two cannot disagree. Every number is finite: the sets must be non-empty (checked).
 *
 * @param images    in-distribution images
 * @param standard  scoring rules and calibration of standard dropout
 * @param mc        the same for the MC predictive distribution
 * @param selective AURC and E-AURC per method of {@link UncertaintyExperiment#METHODS}, in that order
 * @param ood       detection of the out-of-distribution set, or null without one
 */
public record UncertaintyReport(int images, Scores standard, Scores mc, List<Selective> selective, Ood ood) {
    /** Error, NLL, Brier and calibration of one predictive distribution. */
    public record Scores(int errors, double errorPercent, double nll, double brier, UncertaintyMetrics.Calibration calibration) {
        public double ece() { return calibration.ece(); }
    }

    /** Area under the risk–coverage curve of one method, and its excess over the oracle ranking. */
    public record Selective(Method method, double aurc, double excessAurc) {}

    /** One method's detection numbers and its mean uncertainty on each set. */
    public record Detection(Method method, UncertaintyMetrics.Detection metrics, double meanIn, double meanOod) {}

    /** Detection by every method of {@link UncertaintyExperiment#METHODS}, in that order. */
    public record Ood(int images, List<Detection> methods) {}

    /** The report of {@code in} (labelled), and of its separation from {@code ood} when that is not null. */
    public static UncertaintyReport of(ScoredSet in, ScoredSet ood) {
        if (in.size() == 0) throw new IllegalArgumentException("no in-distribution images");
        if (ood != null && ood.size() == 0) throw new IllegalArgumentException("no out-of-distribution images");
        List<Selective> selective = new ArrayList<>();
        for (Method m : UncertaintyExperiment.METHODS) {
            boolean[] correct = in.correct(m.mcDropout());
            double[] u = in.uncertainty(m.mcDropout(), m.score());
            selective.add(new Selective(m, UncertaintyMetrics.aurc(correct, u), UncertaintyMetrics.excessAurc(correct, u)));
        }
        Ood detection = null;
        if (ood != null) {
            List<Detection> methods = new ArrayList<>();
            for (Method m : UncertaintyExperiment.METHODS) {
                double[] uIn = in.uncertainty(m.mcDropout(), m.score()), uOod = ood.uncertainty(m.mcDropout(), m.score());
                methods.add(new Detection(m, UncertaintyMetrics.detection(uIn, uOod), ConvergenceExperiment.mean(uIn), ConvergenceExperiment.mean(uOod)));
            }
            detection = new Ood(ood.size(), List.copyOf(methods));
        }
        return new UncertaintyReport(in.size(), scores(in.standard(), in.labels()), scores(in.mc(), in.labels()),
                List.copyOf(selective), detection);
    }

    public Scores scores(boolean mcDropout) { return mcDropout ? mc : standard; }

    private static Scores scores(float[][] probs, int[] labels) {
        int errors = UncertaintyMetrics.errors(probs, labels);
        return new Scores(errors, 100.0 * errors / probs.length, UncertaintyMetrics.nll(probs, labels), UncertaintyMetrics.brier(probs, labels),
                UncertaintyMetrics.calibration(probs, labels));
    }
}
