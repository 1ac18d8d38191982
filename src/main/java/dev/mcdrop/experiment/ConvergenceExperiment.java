package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.McOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paper Fig. 4: how fast MC dropout converges. Test error of one model against the number of
 * samples T, for several mask seeds (mean ± one sample standard deviation), with standard
 * dropout as a reference line. One unit per (T, seed): the predictor runs once per T (its masks
 * for samples 0..T−1 do not depend on T, so a larger T extends a smaller one's samples).
 */
public final class ConvergenceExperiment {
    public static final List<Integer> PAPER_SAMPLES = List.of(1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100);

    /**
     * @param samples   the T values
     * @param seeds     how many mask seeds (the paper: 5)
     * @param firstSeed seeds are firstSeed, firstSeed+1, …
     * @param modelName for titles
     */
    public record Settings(List<Integer> samples, int seeds, long firstSeed, String modelName) {}

    private ConvergenceExperiment() {}

    public static Table run(ExperimentRun run, Settings s, Weights weights, LabeledImages test) throws IOException {
        if (s.seeds() < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + s.seeds());
        run.requireSettings(s + "\nmodel: " + ExperimentRun.fingerprint(weights) + "\ntest: " + ExperimentRun.fingerprint(test));
        UnitStore units = run.units();
        run.plan(s.samples().size() * s.seeds());
        run.info("%s on %d test images, T in %s, %d seeds", s.modelName(), test.count(), s.samples(), s.seeds());
        Table raw = new Table("samples", "seed", "images", "standard_error_percent", "mc_error_percent", "standard_nll", "mc_nll");
        Table csv = new Table("samples", "seeds", "mc_error_mean_percent", "mc_error_std_percent", "mc_nll_mean", "standard_error_percent", "standard_nll");
        double[] x = new double[s.samples().size()], mean = new double[x.length], sd = new double[x.length], std = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int t = s.samples().get(i);
            double[] errors = new double[s.seeds()], nlls = new double[s.seeds()];
            Table first = null;
            for (int k = 0; k < s.seeds(); k++) {
                long seed = s.firstSeed() + k;
                String key = "T" + t + ".seed" + seed;
                if (!units.isDone(key)) {
                    long begin = System.nanoTime();
                    McOptions options = McOptions.defaults().withSamples(t).withSeed(seed);
                    Evaluation e = Predictions.evaluate(run.backend(), weights, options, test, run.log(), key);
                    units.save(key, EvalRow.of(e, t), (System.nanoTime() - begin) / 1e9);
                    run.unitFinished(String.format(Locale.ROOT, "T=%d seed %d: MC error %.2f%%, standard %.2f%%", t, seed,
                            e.mcErrorPercent(), e.standardErrorPercent()));
                } else {
                    run.unitFinished("T=" + t + " seed " + seed + " (recorded earlier)");
                }
                Table r = units.load(key);
                if (first == null) first = r;
                errors[k] = EvalRow.mcError(r);
                nlls[k] = r.getDouble(0, "mc_nll");
                raw.add(t, seed, r.get(0, "images"), r.get(0, "standard_error_percent"), r.get(0, "mc_error_percent"),
                        r.get(0, "standard_nll"), r.get(0, "mc_nll"));
            }
            x[i] = t;
            mean[i] = mean(errors);
            sd[i] = sampleStd(errors);
            std[i] = EvalRow.standardError(first);
            csv.add(t, s.seeds(), mean[i], sd[i], mean(nlls), std[i], first.getDouble(0, "standard_nll"));
        }
        raw.write(run.out().resolve("convergence-runs.csv"));
        csv.write(run.out().resolve("convergence.csv"));
        String title = "MC dropout convergence: test error vs T (" + s.modelName() + ")";
        List<Charts.Series> series = List.of(
                new Charts.Series("MC dropout, mean ± 1 std over " + s.seeds() + " seeds", x, mean, sd, false, 0),
                Charts.Series.dashed("standard dropout", x, std).inGroup(1));
        Charts.save(new Charts.Spec(title, "MC samples T (log scale)", "test error (%)", series, true),
                run.out().resolve("convergence.png"));
        Table shown = new Table("T", "MC error % (mean)", "± std", "standard error %");
        for (int i = 0; i < x.length; i++) shown.add((int) x[i], Table.fixed(mean[i], 3), Table.fixed(sd[i], 3), Table.fixed(std[i], 3));
        new Summary(title, String.format(Locale.ROOT,
                "Paper Fig. 4: test error of %s on %d test images with MC dropout for T in %s, mean and sample standard deviation "
                        + "over %d mask seeds (%d…%d); standard dropout (deterministic) as the reference.",
                s.modelName(), test.count(), s.samples(), s.seeds(), s.firstSeed(), s.firstSeed() + s.seeds() - 1))
                .table("Test error against T", shown)
                .image(title, "convergence.png")
                .section("Files", "- `convergence.csv`: per T, mean and std over seeds\n- `convergence-runs.csv`: every (T, seed) run\n"
                        + "- `units/`, `progress.csv`: finished units (for resuming)")
                .write(run);
        run.info("wrote %s", run.out().resolve("summary.md"));
        return csv;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    static double sampleStd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double d : v) s += (d - m) * (d - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
