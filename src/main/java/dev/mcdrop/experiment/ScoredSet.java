package dev.mcdrop.experiment;

import dev.mcdrop.predict.ImagePrediction;
import java.util.ArrayList;
import java.util.List;

/**
 * The predictions of one image set that the uncertainty metrics need: labels (−1 when unknown),
 * standard-dropout and MC-dropout distributions, and the MC mutual information. Stored as a unit's table (floats
 * written with {@link Float#toString}, which round-trips exactly) so a resumed run reuses them.
 */
public record ScoredSet(int[] labels, float[][] standard, float[][] mc, double[] mutualInformation) {
    public int size() { return labels.length; }

    public static ScoredSet of(ImagePrediction[] ps, int[] labels) {
        float[][] std = new float[ps.length][], mc = new float[ps.length][];
        double[] mi = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            std[i] = ps[i].standardProbs().clone();
            mc[i] = ps[i].meanProbs().clone();
            mi[i] = ps[i].mutualInformation();
        }
        return new ScoredSet(labels.clone(), std, mc, mi);
    }

    /** Predictions of images without labels (label −1): enough for detection, refused by the scoring rules. */
    public static ScoredSet unlabelled(ImagePrediction[] ps) {
        int[] none = new int[ps.length];
        java.util.Arrays.fill(none, -1);
        return of(ps, none);
    }

    public Table toTable() {
        int k = standard.length == 0 ? 0 : standard[0].length;
        List<String> header = new ArrayList<>(List.of("label", "mutual_information"));
        for (int c = 0; c < k; c++) header.add("standard_p" + c);
        for (int c = 0; c < k; c++) header.add("mc_p" + c);
        Table t = new Table(header);
        for (int i = 0; i < labels.length; i++) {
            Object[] row = new Object[2 + 2 * k];
            row[0] = labels[i];
            row[1] = mutualInformation[i];
            for (int c = 0; c < k; c++) {
                row[2 + c] = standard[i][c];
                row[2 + k + c] = mc[i][c];
            }
            t.add(row);
        }
        return t;
    }

    public static ScoredSet fromTable(Table t) {
        int n = t.size(), k = (t.header().size() - 2) / 2;
        int[] labels = new int[n];
        float[][] std = new float[n][k], mc = new float[n][k];
        double[] mi = new double[n];
        for (int i = 0; i < n; i++) {
            List<String> r = t.rows().get(i);
            labels[i] = Integer.parseInt(r.get(0));
            mi[i] = Double.parseDouble(r.get(1));
            for (int c = 0; c < k; c++) {
                std[i][c] = Float.parseFloat(r.get(2 + c));
                mc[i][c] = Float.parseFloat(r.get(2 + k + c));
            }
        }
        return new ScoredSet(labels, std, mc, mi);
    }

    /** Uncertainty of every image under one dropout mode and score (higher = more uncertain). */
    public double[] uncertainty(boolean mcDropout, UncertaintyMetrics.Score score) {
        float[][] p = mcDropout ? mc : standard;
        double[] u = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            u[i] = switch (score) {
                case MAX_PROBABILITY -> 1.0 - UncertaintyMetrics.maxProbability(p[i]);
                case ENTROPY -> UncertaintyMetrics.entropy(p[i]);
                case MUTUAL_INFORMATION -> mcDropout ? mutualInformation[i] : 0.0;
            };
        }
        return u;
    }

    public boolean[] correct(boolean mcDropout) {
        float[][] p = mcDropout ? mc : standard;
        boolean[] c = new boolean[p.length];
        for (int i = 0; i < p.length; i++) c[i] = UncertaintyMetrics.argmax(p[i]) == labels[i];
        return c;
    }
}
