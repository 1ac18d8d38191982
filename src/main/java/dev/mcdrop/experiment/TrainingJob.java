package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.train.LabeledTrainingSet;
import dev.mcdrop.train.ProgressBar;
import dev.mcdrop.train.TrainConfig;
import dev.mcdrop.train.TrainResult;
import dev.mcdrop.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training run of an experiment with an evaluation every {@code evalEvery} iterations, as
 * resumable units: {@code <stem>.eval.iter<N>} per evaluation and {@code <stem>.train} for the run.
 * Checkpoints go to {@code checkpoints/<stem>.iter<N>.safetensors} (all of them, or only the
 * final one). On a rerun: if everything is recorded, nothing runs; if the run finished but some
 * evaluations are missing, they are redone from the kept checkpoints; otherwise the run trains
 * again from the start (the trainer is seeded and bit-reproducible, and cannot restart mid-way
 * with its momentum) and evaluates only the checkpoints not yet recorded.
 */
public final class TrainingJob {
    /** Evaluates one checkpoint; returns the unit's result row(s). */
    @FunctionalInterface
    public interface Evaluator {
        Table evaluate(int iteration, Weights weights) throws IOException;
    }

    private final ExperimentRun run;
    private final String stem;
    private final Architecture architecture;
    private final TrainConfig config;
    private final int evalEvery;
    private final boolean keepAllCheckpoints;

    public TrainingJob(ExperimentRun run, String stem, Architecture architecture, TrainConfig config, int evalEvery,
                       boolean keepAllCheckpoints) {
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
        if (config.iterations() < 1) throw new IllegalArgumentException("--iterations must be >= 1");
        this.run = run;
        this.stem = stem;
        this.architecture = architecture;
        this.config = config.withCheckpointEvery(evalEvery);
        this.evalEvery = evalEvery;
        this.keepAllCheckpoints = keepAllCheckpoints;
    }

    /** Iterations evaluated: every evalEvery below the total, and the total. */
    public static List<Integer> evalIterations(int iterations, int evalEvery) {
        List<Integer> its = new ArrayList<>();
        for (int i = evalEvery; i < iterations; i += evalEvery) its.add(i);
        its.add(iterations);
        return its;
    }

    public List<Integer> evalIterations() { return evalIterations(config.iterations(), evalEvery); }

    /** Units of this job (evaluations + the training run). */
    public int unitCount() { return evalIterations().size() + 1; }

    public String evalKey(int iteration) { return stem + ".eval.iter" + iteration; }

    public String trainKey() { return stem + ".train"; }

    public Path checkpoint(int iteration) {
        return run.out().resolve("checkpoints").resolve(stem + ".iter" + iteration + ".safetensors");
    }

    /** Trains and evaluates whatever is not recorded yet; returns every evaluation's rows in iteration order. */
    public List<Table> run(LabeledImages train, Evaluator evaluator) throws IOException {
        UnitStore units = run.units();
        List<Integer> missing = evalIterations().stream().filter(i -> !units.isDone(evalKey(i))).toList();
        boolean trained = units.isDone(trainKey());
        Network network = architecture.compile();
        if (trained && missing.stream().allMatch(i -> Files.isRegularFile(checkpoint(i)))) {
            for (int i : missing) evaluate(i, WeightsFile.load(checkpoint(i)), evaluator);
        } else if (!trained) {
            run.info("training %s: %s, %d iterations, seed %d%s", stem, architecture.name(), config.iterations(), config.seed(),
                    config.subsetFraction() < 1 ? String.format(Locale.ROOT, ", subset %.4g (seed %d)", config.subsetFraction(), config.subsetSeed()) : "");
            long begin = System.nanoTime();
            Trainer trainer = new Trainer(network, config, run.gemm());
            TrainResult result = trainer.train(new LabeledTrainingSet(train), null, (iteration, params) -> {
                Weights weights = new Weights(network, params, Map.of());
                if (keepAllCheckpoints || iteration == config.iterations()) {
                    Files.createDirectories(checkpoint(iteration).getParent());
                    WeightsFile.save(weights, checkpoint(iteration), metadata(iteration, begin));
                }
                if (!units.isDone(evalKey(iteration))) evaluate(iteration, weights, evaluator);
            }, ProgressBar.stderr(100));
            units.save(trainKey(), new Table("iterations", "final_loss", "train_seconds")
                    .add(result.iterations(), result.finalLoss(), result.wallSeconds()), (System.nanoTime() - begin) / 1e9);
            run.unitFinished("trained " + stem);
        } else {
            throw new IOException(stem + ": evaluations " + missing + " are missing and their checkpoints are gone; delete "
                    + run.out().resolve("units").resolve(trainKey() + ".csv") + " to retrain");
        }
        if (trained) {
            units.load(trainKey()); // counts as reused
            run.unitFinished("trained " + stem + " (recorded earlier)");
        }
        List<Table> results = new ArrayList<>();
        for (int i : evalIterations()) {
            if (!missing.contains(i)) run.unitFinished("evaluated " + stem + " at iteration " + i + " (recorded earlier)");
            results.add(units.load(evalKey(i)));
        }
        return results;
    }

    private void evaluate(int iteration, Weights weights, Evaluator evaluator) throws IOException {
        long begin = System.nanoTime();
        Table result = evaluator.evaluate(iteration, weights);
        run.units().save(evalKey(iteration), result, (System.nanoTime() - begin) / 1e9);
        run.unitFinished("evaluated " + stem + " at iteration " + iteration);
    }

    private Map<String, String> metadata(int iteration, long begin) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train.command", run.command());
        m.put("train.recipe", "SGD momentum 0.9, weight decay 5e-4, lr 0.01*(1+1e-4*iter)^-0.75, bias lr x2, batch "
                + config.batchSize() + ", Xavier");
        m.put("train.seed", Long.toString(config.seed()));
        m.put("train.iterations", Integer.toString(iteration));
        m.put("train.subset", config.subsetFraction() < 1 ? config.subsetFraction() + " (seed " + config.subsetSeed() + ")" : "1");
        m.put("train.wall_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - begin) / 1e9));
        m.put("experiment", run.name() + "/" + stem);
        return m;
    }
}
