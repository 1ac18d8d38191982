package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Presets;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paper Fig. 1 (and its CIFAR-10 counterpart): where to put dropout. Trains each preset
 * (lenet-none, lenet-ip, lenet-all, or the cifar-lenet-* ones) with the paper's solver and, every
 * {@code evalEvery} iterations, measures test error with standard dropout and with MC dropout
 * (T samples): 2 curves per preset. Writes {@code placement.csv}, {@code placement.png},
 * {@code summary.md}.
 */
public final class PlacementExperiment {
    /**
     * @param presets         architectures to train
     * @param dataName        e.g. "MNIST", for titles
     * @param iterations      SGD steps per model
     * @param evalEvery       evaluate every this many steps (and at the end)
     * @param seed            training seed (init, data order, training masks)
     * @param samples         T for MC dropout
     * @param mcSeed          seed of the prediction masks
     * @param batch           training batch (the paper: 64)
     * @param keepCheckpoints keep every evaluated checkpoint, not only the final one
     */
    public record Settings(List<String> presets, String dataName, int iterations, int evalEvery, long seed, int samples,
                           long mcSeed, int batch, boolean keepCheckpoints) {
        public static final List<String> MNIST = List.of("lenet-none", "lenet-ip", "lenet-all");
        public static final List<String> CIFAR = List.of("cifar-lenet-none", "cifar-lenet-ip", "cifar-lenet-all");
    }

    private PlacementExperiment() {}

    /** Runs (or resumes) the experiment; returns the table it wrote to placement.csv. */
    public static Table run(ExperimentRun run, Settings s, LabeledImages train, LabeledImages test) throws IOException {
        return run(run, s, train, test, null);
    }

    /**
     * As {@link #run(ExperimentRun, Settings, LabeledImages, LabeledImages)}, but with
     * {@code checkpointsFrom} not null the models are not trained: the checkpoints of earlier
     * {@code mcdrop train --checkpoint-every} runs in that folder are checked and evaluated (see
     * {@link TrainingJob#adoptCheckpointsFrom}).
     */
    public static Table run(ExperimentRun run, Settings s, LabeledImages train, LabeledImages test, Path checkpointsFrom)
            throws IOException {
        run.requireSettings(ExperimentRun.options(s) + "\ntraining data: " + ExperimentRun.fingerprint(train)
                + "\ntest data: " + ExperimentRun.fingerprint(test));
        McOptions mc = McOptions.defaults().withSamples(s.samples()).withSeed(s.mcSeed());
        List<TrainingJob> jobs = new ArrayList<>();
        for (String preset : s.presets()) {
            TrainConfig config = TrainConfig.paper(s.iterations(), s.seed()).withBatchSize(s.batch());
            TrainingJob job = new TrainingJob(run, preset, Presets.get(preset), config, s.evalEvery(), s.keepCheckpoints());
            jobs.add(checkpointsFrom == null ? job : job.adoptCheckpointsFrom(checkpointsFrom));
        }
        run.plan(jobs.stream().mapToInt(TrainingJob::unitCount).sum());
        run.info("%s: %d training images, %d test images, %d iterations, eval every %d, T=%d", s.dataName(), train.count(),
                test.count(), s.iterations(), s.evalEvery(), s.samples());
        Table csv = new Table("model", "iteration", "images", "samples", "standard_error_percent", "mc_error_percent",
                "standard_nll", "mc_nll");
        List<Charts.Series> series = new ArrayList<>();
        Table finals = new Table("model", "iterations", "standard dropout error %", "MC dropout error % (T=" + s.samples() + ")",
                "standard NLL", "MC NLL");
        for (int j = 0; j < jobs.size(); j++) {
            TrainingJob job = jobs.get(j);
            String preset = s.presets().get(j);
            List<Table> results = job.run(train, (iteration, weights) -> EvalRow.of(Predictions.evaluate(run.backend(),
                    weights, mc, test, run.log(), preset + " iteration " + iteration), s.samples()));
            List<Integer> its = job.evalIterations();
            double[] x = new double[its.size()], std = new double[its.size()], mcErr = new double[its.size()];
            for (int i = 0; i < its.size(); i++) {
                Table r = results.get(i);
                x[i] = its.get(i);
                std[i] = EvalRow.standardError(r);
                mcErr[i] = EvalRow.mcError(r);
                csv.add(preset, its.get(i), r.get(0, "images"), r.get(0, "samples"), r.get(0, "standard_error_percent"),
                        r.get(0, "mc_error_percent"), r.get(0, "standard_nll"), r.get(0, "mc_nll"));
            }
            Table last = results.getLast();
            finals.add(preset, its.getLast(), Table.fixed(std[std.length - 1], 2), Table.fixed(mcErr[mcErr.length - 1], 2),
                    Table.fixed(last.getDouble(0, "standard_nll"), 4), Table.fixed(last.getDouble(0, "mc_nll"), 4));
            series.add(Charts.Series.dashed(preset + ", standard dropout", x, std).inGroup(j));
            series.add(Charts.Series.line(preset + ", MC dropout (T=" + s.samples() + ")", x, mcErr).inGroup(j));
        }
        csv.write(run.out().resolve("placement.csv"));
        String title = String.format(Locale.ROOT, "Dropout placement on %s: test error vs iterations", s.dataName());
        Charts.save(new Charts.Spec(title, "training iterations", "test error (%)", series), run.out().resolve("placement.png"));
        new Summary(title, String.format(Locale.ROOT,
                "Paper Fig. 1: %s trained with the paper's solver (seed %d, batch %d) on %d %s training images; test error on %d test images "
                        + "every %d iterations, with standard dropout (weights scaled, dropout off) and MC dropout (mean of T=%d stochastic passes, mask seed %d).",
                String.join(", ", s.presets()), s.seed(), s.batch(), train.count(), s.dataName(), test.count(), s.evalEvery(),
                s.samples(), s.mcSeed()))
                .table("Final test error", finals)
                .image(title, "placement.png")
                .section("Files", "- `placement.csv`: every evaluation (model, iteration, errors, NLLs)\n"
                        + "- `checkpoints/*.safetensors`: trained weights\n- `units/`, `progress.csv`: finished units (for resuming)")
                .write(run);
        run.info("wrote %s", run.out().resolve("summary.md"));
        return csv;
    }
}
