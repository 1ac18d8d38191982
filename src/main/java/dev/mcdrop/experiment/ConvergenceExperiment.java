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
 * dropout as a reference line. One unit per (T, seed), but one predictor run per seed: the masks
 * of samples 0..T−1 do not depend on T, so the largest T's run yields every smaller T's answer
 * bit for bit ({@link dev.mcdrop.predict.McPredictor#predictPrefixes}).
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
        run.requireSettings(ExperimentRun.options(s) + "\nmodel: " + ExperimentRun.fingerprint(weights)
                + "\ntest data: " + ExperimentRun.fingerprint(test));
        UnitStore units = run.units();
        run.plan(s.samples().size() * s.seeds());
        run.info("%s on %d test images, T in %s, %d seeds", s.modelName(), test.count(), s.samples(), s.seeds());
        Table raw = new Table("samples", "seed", "images", "standard_error_percent", "mc_error_percent", "standard_nll", "mc_nll");
        Table csv = new Table("samples", "seeds", "mc_error_mean_percent", "mc_error_std_percent", "mc_nll_mean", "standard_error_percent", "standard_nll");
        double[] x = new double[s.samples().size()], mean = new double[x.length], sd = new double[x.length], std = new double[x.length];
        int[] sorted = s.samples().stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        if (sorted.length != s.samples().size() || sorted[0] < 1) {
            throw new IllegalArgumentException("--samples-list needs distinct values >= 1, got " + s.samples());
        }
        for (int k = 0; k < s.seeds(); k++) {
            long seed = s.firstSeed() + k;
            int[] missing = java.util.Arrays.stream(sorted).filter(t -> !units.isDone(key(t, seed))).toArray();
            for (int t : sorted) {
                if (units.isDone(key(t, seed))) run.unitFinished("T=" + t + " seed " + seed + " (recorded earlier)");
            }
            if (missing.length == 0) continue;
            // one run up to the largest missing T gives every T below it
            int[] ts = java.util.Arrays.stream(sorted).filter(t -> t <= missing[missing.length - 1]).toArray();
            long begin = System.nanoTime();
            Evaluation[] es = Predictions.evaluatePrefixes(run.backend(), weights, McOptions.defaults().withSeed(seed), ts, test,
                    run.log(), "seed " + seed + ", T up to " + ts[ts.length - 1]);
            double seconds = (System.nanoTime() - begin) / 1e9;
            for (int i = 0; i < ts.length; i++) {
                if (units.isDone(key(ts[i], seed))) continue;
                units.save(key(ts[i], seed), EvalRow.of(es[i], ts[i]), seconds / ts.length);
                run.unitFinished(String.format(Locale.ROOT, "T=%d seed %d: MC error %.2f%%, standard %.2f%%", ts[i], seed,
                        es[i].mcErrorPercent(), es[i].standardErrorPercent()));
            }
        }
        for (int i = 0; i < x.length; i++) {
            int t = s.samples().get(i);
            double[] errors = new double[s.seeds()], nlls = new double[s.seeds()];
            Table first = null;
            for (int k = 0; k < s.seeds(); k++) {
                long seed = s.firstSeed() + k;
                String key = key(t, seed);
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

    private static String key(int t, long seed) { return "T" + t + ".seed" + seed; }

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
