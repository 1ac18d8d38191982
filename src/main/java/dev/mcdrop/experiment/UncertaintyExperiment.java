package dev.mcdrop.experiment;

import static dev.mcdrop.experiment.UncertaintyMetrics.Score.ENTROPY;
import static dev.mcdrop.experiment.UncertaintyMetrics.Score.MAX_PROBABILITY;
import static dev.mcdrop.experiment.UncertaintyMetrics.Score.MUTUAL_INFORMATION;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Uncertainty quality beyond the paper, standard against MC dropout: on the in-distribution test
 * set NLL, Brier score, ECE (15 bins) with a reliability diagram, accuracy against rejection rate
 * and the area under the risk–coverage curve (AURC, E-AURC); detection of out-of-distribution
 * images (Fashion-MNIST for an MNIST model) by max probability, predictive entropy and mutual
 * information: AUROC, AUPR-In, AUPR-Out and FPR at 95% TPR with either set positive. The numbers
 * come from {@link UncertaintyReport} (as {@code mcdrop eval}'s do). Two units: the predictions
 * on each set.
 */
public final class UncertaintyExperiment {
    /** A way of scoring uncertainty: which predictive distribution, which score. */
    public record Method(boolean mcDropout, UncertaintyMetrics.Score score) {
        public String dropout() { return mcDropout ? "mc" : "standard"; }

        public String label() { return (mcDropout ? "MC dropout, " : "standard dropout, ") + score.label; }
    }

    public static final List<Method> METHODS = List.of(
            new Method(false, MAX_PROBABILITY), new Method(false, ENTROPY),
            new Method(true, MAX_PROBABILITY), new Method(true, ENTROPY), new Method(true, MUTUAL_INFORMATION));

    /**
     * @param samples   T
     * @param mcSeed    mask seed
     * @param modelName for titles
     * @param inName    e.g. "MNIST test"
     * @param oodName   e.g. "Fashion-MNIST test"
     */
    public record Settings(int samples, long mcSeed, String modelName, String inName, String oodName) {}

    private UncertaintyExperiment() {}

    public static void run(ExperimentRun run, Settings s, Weights weights, LabeledImages in, LabeledImages ood) throws IOException {
        run.requireSettings(ExperimentRun.options(s) + "\nmodel: " + ExperimentRun.fingerprint(weights)
                + "\nin-distribution data: " + ExperimentRun.fingerprint(in) + "\nout-of-distribution data: " + ExperimentRun.fingerprint(ood));
        McOptions options = McOptions.defaults().withSamples(s.samples()).withSeed(s.mcSeed());
        run.plan(2);
        run.info("%s, T=%d: %d in-distribution images (%s), %d out-of-distribution (%s)", s.modelName(), s.samples(),
                in.count(), s.inName(), ood.count(), s.oodName());
        ScoredSet id = predictions(run, "predictions-in", weights, options, in);
        ScoredSet od = predictions(run, "predictions-ood", weights, options, ood);

        UncertaintyReport report = UncertaintyReport.of(id, od);
        Table shownMetrics = calibration(run, s, report);
        Table shownOod = detection(run, s, id, od, report);
        Table shownRejection = rejection(run, s, id);
        Table shownAurc = riskCoverage(run, report);
        String relTitle = reliabilityTitle(s), rocTitle = rocTitle(s), rejTitle = rejectionTitle(s);
        String title = "Uncertainty quality: " + s.modelName() + ", standard vs MC dropout";
        new Summary(title, String.format(Locale.ROOT,
                "%s on %d %s images (in-distribution) and %d %s images (out-of-distribution); MC dropout with T=%d (mask seed %d). "
                        + "NLL floors probabilities at 1e-12; Brier = mean Σ_k (p_k − y_k)²; ECE over 15 equal-width confidence bins. "
                        + "Detection scores are uncertainties (1 − max probability, entropy, mutual information); AUROC with average ranks "
                        + "for ties; AUPR as average precision, AUPR-In with the in-distribution images positive (ranked by confidence), "
                        + "AUPR-Out with the OOD images positive (ranked by uncertainty); FPR95 (in positive) = fraction of OOD images accepted "
                        + "when 95%% of the in-distribution images are accepted (Hendrycks & Gimpel, ODIN), FPR95 (OOD positive) = fraction of "
                        + "in-distribution images flagged when 95%% of the OOD images are flagged. Rejection refuses the most uncertain fraction "
                        + "of the in-distribution images (ties at the cut count at their group's accuracy); AURC = mean over k = 1…N of the "
                        + "error rate of the k least uncertain images, E-AURC = AURC − that of a ranking with every mistake last.",
                s.modelName(), in.count(), s.inName(), ood.count(), s.oodName(), s.samples(), s.mcSeed()))
                .table("In-distribution scoring rules and calibration", shownMetrics)
                .image(relTitle, "reliability.png")
                .table("Out-of-distribution detection (" + s.oodName() + " vs " + s.inName() + ")", shownOod)
                .image(rocTitle, "ood-roc.png")
                .table("Accuracy against rejection rate", shownRejection)
                .image(rejTitle, "rejection.png")
                .table("Area under the risk–coverage curve (×1000; lower is better)", shownAurc)
                .section("Files", "- `metrics.csv`: error, NLL, Brier, ECE\n- `reliability.csv`: the 15 bins, both modes\n"
                        + "- `ood.csv`: AUROC, AUPR-In, AUPR-Out, FPR95 in both conventions and mean score in/out, every method; "
                        + "`ood-roc.png`: their ROC curves\n- `rejection.csv`: accuracy per rejection rate, every method\n"
                        + "- `aurc.csv`: AURC and E-AURC (fractions, not ×1000), every method\n"
                        + "- `units/predictions-{in,ood}.csv`: every image's probabilities (the resumable units)")
                .write(run);
        run.info("wrote %s", run.out().resolve("summary.md"));
    }

    private static String reliabilityTitle(Settings s) { return "Reliability diagram: " + s.modelName() + " on " + s.inName() + " (15 bins)"; }

    private static String rocTitle(Settings s) {
        return "OOD detection ROC: " + s.oodName() + " (positive) vs " + s.inName() + ", " + s.modelName();
    }

    private static String rejectionTitle(Settings s) { return "Accuracy vs rejection: " + s.modelName() + " on " + s.inName(); }

    /** Error, NLL, Brier, ECE on the in-distribution set (metrics.csv) and the reliability diagram; returns the summary's table. */
    private static Table calibration(ExperimentRun run, Settings s, UncertaintyReport report) throws IOException {
        Table metrics = new Table("metric", "standard", "mc");
        UncertaintyReport.Scores std = report.standard(), mcd = report.mc();
        UncertaintyMetrics.Calibration calStd = std.calibration(), calMc = mcd.calibration();
        metrics.add("error_percent", std.errorPercent(), mcd.errorPercent());
        metrics.add("nll", std.nll(), mcd.nll());
        metrics.add("brier", std.brier(), mcd.brier());
        metrics.add("ece_15_bins", calStd.ece(), calMc.ece());
        metrics.write(run.out().resolve("metrics.csv"));

        Table reliability = new Table("dropout", "bin", "lower", "upper", "count", "accuracy", "confidence");
        List<Charts.Series> series = new ArrayList<>();
        for (var e : List.of(Map.entry("standard", calStd), Map.entry("mc", calMc))) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            int b = 0;
            for (UncertaintyMetrics.Bin bin : e.getValue().bins()) {
                reliability.add(e.getKey(), b++, bin.lower(), bin.upper(), bin.count(), bin.accuracy(), bin.confidence());
                if (bin.count() > 0) {
                    xs.add(bin.confidence());
                    ys.add(bin.accuracy());
                }
            }
            boolean mc = e.getKey().equals("mc");
            String name = mc ? "MC dropout (T=" + s.samples() + ")" : "standard dropout";
            series.add(Charts.Series.line(String.format(Locale.ROOT, "%s, ECE %.4f", name, e.getValue().ece()), array(xs), array(ys))
                    .inGroup(mc ? 0 : 1));
        }
        series.add(Charts.Series.dashed("perfect calibration", new double[]{0, 1}, new double[]{0, 1}).inGroup(7));
        reliability.write(run.out().resolve("reliability.csv"));
        Charts.save(new Charts.Spec(reliabilityTitle(s), "confidence (mean max probability in bin)", "accuracy in bin", series).inUnitSquare(),
                run.out().resolve("reliability.png"));

        Table shown = new Table("metric", "standard dropout", "MC dropout (T=" + s.samples() + ")");
        for (var row : metrics.rows()) {
            shown.add(row.get(0), Table.fixed(Double.parseDouble(row.get(1)), 4), Table.fixed(Double.parseDouble(row.get(2)), 4));
        }
        return shown;
    }

    /** OOD detection by every method in both conventions (ood.csv), ROC curves with the OOD images positive (ood-roc.png); returns the summary's table. */
    private static Table detection(ExperimentRun run, Settings s, ScoredSet id, ScoredSet od, UncertaintyReport report) throws IOException {
        Table csv = new Table("dropout", "score", "auroc", "aupr_in", "aupr_out", "fpr95_in_positive", "fpr95_ood_positive",
                "mean_in", "mean_ood");
        Table shown = new Table("dropout", "score", "AUROC", "AUPR-In", "AUPR-Out", "FPR95 (in positive)", "FPR95 (OOD positive)");
        List<Charts.Series> series = new ArrayList<>();
        for (UncertaintyReport.Detection d : report.ood().methods()) {
            Method m = d.method();
            UncertaintyMetrics.Detection x = d.metrics();
            csv.add(m.dropout(), m.score().name().toLowerCase(Locale.ROOT), x.auroc(), x.auprIn(), x.auprOut(), x.fpr95InPositive(),
                    x.fpr95OodPositive(), d.meanIn(), d.meanOod());
            shown.add(m.dropout(), m.score().label, Table.fixed(x.auroc(), 4), Table.fixed(x.auprIn(), 4), Table.fixed(x.auprOut(), 4),
                    Table.fixed(x.fpr95InPositive(), 4), Table.fixed(x.fpr95OodPositive(), 4));
            double[] uIn = id.uncertainty(m.mcDropout(), m.score()), uOod = od.uncertainty(m.mcDropout(), m.score());
            double[] all = new double[uIn.length + uOod.length];
            boolean[] positive = new boolean[all.length];
            System.arraycopy(uIn, 0, all, 0, uIn.length);
            System.arraycopy(uOod, 0, all, uIn.length, uOod.length);
            for (int i = uIn.length; i < all.length; i++) positive[i] = true;
            double[][] roc = UncertaintyMetrics.rocCurve(all, positive);
            String name = m.label() + String.format(Locale.ROOT, ", AUROC %.3f", x.auroc());
            series.add(styled(m, name, roc[0], roc[1]));
        }
        csv.write(run.out().resolve("ood.csv"));
        series.add(Charts.Series.dashed("chance", new double[]{0, 1}, new double[]{0, 1}).inGroup(7));
        Charts.save(new Charts.Spec(rocTitle(s), "false-positive rate (in-distribution flagged)", "true-positive rate (OOD flagged)",
                series).inUnitSquare(), run.out().resolve("ood-roc.png"));
        return shown;
    }

    /** Accuracy against rejection rate for every method (rejection.csv, rejection.png); returns the summary's table. */
    private static Table rejection(ExperimentRun run, Settings s, ScoredSet id) throws IOException {
        double[] rates = UncertaintyMetrics.REJECTION_RATES;
        Table csv = new Table("dropout", "score", "rejection_rate", "accuracy");
        List<Charts.Series> series = new ArrayList<>();
        List<double[]> curves = new ArrayList<>();
        for (Method m : METHODS) {
            double[] acc = UncertaintyMetrics.rejectionCurve(id.correct(m.mcDropout()), id.uncertainty(m.mcDropout(), m.score()), rates);
            double[] percent = new double[acc.length];
            for (int r = 0; r < rates.length; r++) {
                csv.add(m.dropout(), m.score().name().toLowerCase(Locale.ROOT), rates[r], acc[r]);
                percent[r] = 100 * acc[r];
            }
            curves.add(percent);
            if (m.mcDropout() || m.score() == MAX_PROBABILITY) series.add(styled(m, m.label(), rates, percent));
        }
        csv.write(run.out().resolve("rejection.csv"));
        Charts.save(new Charts.Spec(rejectionTitle(s), "fraction of most uncertain images refused", "accuracy on the rest (%)", series),
                run.out().resolve("rejection.png"));
        Table shown = new Table("rejection rate", "standard max-prob %", "MC max-prob %", "MC entropy %", "MC mutual information %");
        int stdMax = METHODS.indexOf(new Method(false, MAX_PROBABILITY)), mcMax = METHODS.indexOf(new Method(true, MAX_PROBABILITY));
        int mcEntropy = METHODS.indexOf(new Method(true, ENTROPY)), mcMi = METHODS.indexOf(new Method(true, MUTUAL_INFORMATION));
        for (int r = 0; r < rates.length; r++) {
            shown.add(Table.fixed(rates[r], 2), Table.fixed(curves.get(stdMax)[r], 2), Table.fixed(curves.get(mcMax)[r], 2),
                    Table.fixed(curves.get(mcEntropy)[r], 2), Table.fixed(curves.get(mcMi)[r], 2));
        }
        return shown;
    }

    /** AURC and E-AURC of every method (aurc.csv); returns the summary's table (×1000). */
    private static Table riskCoverage(ExperimentRun run, UncertaintyReport report) throws IOException {
        Table csv = new Table("dropout", "score", "aurc", "e_aurc");
        Table shown = new Table("dropout", "score", "AURC ×1000", "E-AURC ×1000");
        for (UncertaintyReport.Selective sel : report.selective()) {
            Method m = sel.method();
            csv.add(m.dropout(), m.score().name().toLowerCase(Locale.ROOT), sel.aurc(), sel.excessAurc());
            shown.add(m.dropout(), m.score().label, Table.fixed(1000 * sel.aurc(), 3), Table.fixed(1000 * sel.excessAurc(), 3));
        }
        csv.write(run.out().resolve("aurc.csv"));
        return shown;
    }

    /** A score keeps one colour in every plot; standard dropout is dashed, MC dropout solid. */
    private static Charts.Series styled(Method m, String name, double[] x, double[] y) {
        Charts.Series line = m.mcDropout() ? Charts.Series.line(name, x, y) : Charts.Series.dashed(name, x, y);
        return line.inGroup(m.score().ordinal());
    }

    private static ScoredSet predictions(ExperimentRun run, String key, Weights weights, McOptions options, LabeledImages set)
            throws IOException {
        UnitStore units = run.units();
        if (!units.isDone(key)) {
            long begin = System.nanoTime();
            ImagePrediction[] ps = Predictions.predict(run.backend(), weights, options, set, run.log(), key);
            units.save(key, ScoredSet.of(ps, set.labels()).toTable(), (System.nanoTime() - begin) / 1e9);
            run.unitFinished(key + ": " + set.count() + " images");
        } else {
            run.unitFinished(key + " (recorded earlier)");
        }
        return ScoredSet.fromTable(units.load(key));
    }

    private static double[] array(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
