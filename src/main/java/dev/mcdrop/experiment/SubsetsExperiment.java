package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Presets;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.train.DataOrder;
import dev.mcdrop.train.TrainConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paper Fig. 2: over-fitting on small data. For each random subset 1/d of the training set
 * (d = 4, 8, 16, 32; drawn with {@code subsetSeed}), trains lenet-ip and lenet-all and plots
 * lenet-ip's test error with standard dropout against lenet-all's with MC dropout (T = 10 in the
 * paper) over the iterations, one panel per subset. Both numbers of both models are in the CSV.
 */
public final class SubsetsExperiment {
    public static final List<Integer> PAPER_DIVISORS = List.of(4, 8, 16, 32);
    static final String STANDARD_MODEL = "lenet-ip", MC_MODEL = "lenet-all";

    /**
     * @param divisors   subset sizes as 1/d of the training set
     * @param subsetSeed which random subsets
     */
    public record Settings(List<Integer> divisors, int iterations, int evalEvery, long seed, long subsetSeed, int samples,
                           long mcSeed, int batch, boolean keepCheckpoints) {}

    private SubsetsExperiment() {}

    public static Table run(ExperimentRun run, Settings s, LabeledImages train, LabeledImages test) throws IOException {
        run.requireSettings(ExperimentRun.options(s) + "\ntraining data: " + ExperimentRun.fingerprint(train)
                + "\ntest data: " + ExperimentRun.fingerprint(test));
        McOptions mc = McOptions.defaults().withSamples(s.samples()).withSeed(s.mcSeed());
        List<TrainingJob> jobs = new ArrayList<>();
        List<String> models = List.of(STANDARD_MODEL, MC_MODEL);
        for (int d : s.divisors()) {
            if (d < 1) throw new IllegalArgumentException("subset divisor must be >= 1, got " + d);
            for (String m : models) {
                TrainConfig config = TrainConfig.paper(s.iterations(), s.seed()).withBatchSize(s.batch())
                        .withSubset(1.0 / d, s.subsetSeed());
                jobs.add(new TrainingJob(run, "subset" + d + "-" + m, Presets.get(m), config, s.evalEvery(), s.keepCheckpoints()));
            }
        }
        run.plan(jobs.stream().mapToInt(TrainingJob::unitCount).sum());
        run.info("MNIST subsets 1/%s of %d training images, %d test images, %d iterations, eval every %d, T=%d",
                s.divisors(), train.count(), test.count(), s.iterations(), s.evalEvery(), s.samples());
        Table csv = new Table("subset", "training_images", "model", "iteration", "images", "samples",
                "standard_error_percent", "mc_error_percent", "standard_nll", "mc_nll");
        Table finals = new Table("subset", "training images", "lenet-ip standard dropout error %",
                "lenet-all MC dropout error % (T=" + s.samples() + ")", "lenet-ip MC error %", "lenet-all standard error %");
        List<Charts.Spec> panels = new ArrayList<>();
        int j = 0;
        for (int d : s.divisors()) {
            int images = DataOrder.subset(train.count(), 1.0 / d, s.subsetSeed()).length;
            List<Charts.Series> series = new ArrayList<>();
            double[] finalRow = new double[4];
            for (String m : models) {
                TrainingJob job = jobs.get(j++);
                List<Table> results = job.run(train, (iteration, weights) -> EvalRow.of(Predictions.evaluate(run.backend(),
                        weights, mc, test, run.log(), "1/" + d + " " + m + " iteration " + iteration), s.samples()));
                List<Integer> its = job.evalIterations();
                double[] x = new double[its.size()], y = new double[its.size()];
                for (int i = 0; i < its.size(); i++) {
                    Table r = results.get(i);
                    x[i] = its.get(i);
                    y[i] = m.equals(MC_MODEL) ? EvalRow.mcError(r) : EvalRow.standardError(r);
                    csv.add("1/" + d, images, m, its.get(i), r.get(0, "images"), r.get(0, "samples"), r.get(0, "standard_error_percent"),
                            r.get(0, "mc_error_percent"), r.get(0, "standard_nll"), r.get(0, "mc_nll"));
                }
                Table last = results.getLast();
                if (m.equals(STANDARD_MODEL)) {
                    finalRow[0] = EvalRow.standardError(last);
                    finalRow[2] = EvalRow.mcError(last);
                    series.add(Charts.Series.dashed("lenet-ip, standard dropout", x, y).inGroup(1));
                } else {
                    finalRow[1] = EvalRow.mcError(last);
                    finalRow[3] = EvalRow.standardError(last);
                    series.add(Charts.Series.line("lenet-all, MC dropout (T=" + s.samples() + ")", x, y).inGroup(0));
                }
            }
            finals.add("1/" + d, images, Table.fixed(finalRow[0], 2), Table.fixed(finalRow[1], 2), Table.fixed(finalRow[2], 2),
                    Table.fixed(finalRow[3], 2));
            panels.add(new Charts.Spec(String.format(Locale.ROOT, "MNIST subset 1/%d (%d images)", d, images),
                    "training iterations", "test error (%)", series));
        }
        csv.write(run.out().resolve("subsets.csv"));
        Charts.saveGrid(panels, Math.min(2, panels.size()), run.out().resolve("subsets.png"));
        String title = "Over-fitting on small data: test error vs iterations on MNIST subsets";
        new Summary(title, String.format(Locale.ROOT,
                "Paper Fig. 2: lenet-ip with standard dropout against lenet-all with MC dropout (T=%d, mask seed %d), trained with the paper's "
                        + "solver (seed %d, batch %d) on random subsets 1/%s of %d training images (subset seed %d); test error on %d test images "
                        + "every %d iterations.", s.samples(), s.mcSeed(), s.seed(), s.batch(), s.divisors(), train.count(), s.subsetSeed(),
                test.count(), s.evalEvery()))
                .table("Final test error", finals)
                .image(title, "subsets.png")
                .section("Files", "- `subsets.csv`: every evaluation of both models (standard and MC numbers of each)\n"
                        + "- `checkpoints/*.safetensors`: trained weights\n- `units/`, `progress.csv`: finished units (for resuming)")
                .write(run);
        run.info("wrote %s", run.out().resolve("summary.md"));
        return csv;
    }
}
