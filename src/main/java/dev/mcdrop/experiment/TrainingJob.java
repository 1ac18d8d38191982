package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.train.LabeledTrainingSet;
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
    private Path adoptFrom; // null: train

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

    /**
     * Evaluates the checkpoints of an earlier {@code mcdrop train --checkpoint-every} run instead
     * of training: {@code dir/<stem>.iter<N>.safetensors} for every evaluated iteration N (the
     * final one may also be {@code dir/<stem>.safetensors}). Each must carry this job's
     * architecture, seed, recipe, subset and iteration count in its metadata, else the run stops
     * with an error naming the file and the field. The trainer is bit-reproducible, so this gives
     * the numbers training would.
     */
    public TrainingJob adoptCheckpointsFrom(Path dir) {
        this.adoptFrom = dir;
        return this;
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
        } else if (!trained && adoptFrom != null) {
            adopt(missing, evaluator, train.count());
        } else if (!trained) {
            run.info("training %s: %s, %d iterations, seed %d%s", stem, architecture.displayName(), config.iterations(), config.seed(),
                    config.subsetFraction() < 1 ? String.format(Locale.ROOT, ", subset %.4g (seed %d)", config.subsetFraction(), config.subsetSeed()) : "");
            long begin = System.nanoTime();
            Trainer trainer = new Trainer(network, config, run.gemm(), run.loops());
            TrainResult result = trainer.train(new LabeledTrainingSet(train), null, (iteration, params) -> {
                Weights weights = new Weights(network, params, Map.of());
                if (keepAllCheckpoints || iteration == config.iterations()) {
                    Files.createDirectories(checkpoint(iteration).getParent());
                    WeightsFile.save(weights, checkpoint(iteration), metadata(iteration, begin));
                }
                if (!units.isDone(evalKey(iteration))) evaluate(iteration, weights, evaluator);
            }, run.trainingProgress());
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

    /** Checks every checkpoint in {@link #adoptFrom} first, then evaluates those not recorded yet. */
    private void adopt(List<Integer> missing, Evaluator evaluator, int trainImages) throws IOException {
        Map<Integer, Path> files = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        for (int i : evalIterations()) {
            Path f = adoptFrom.resolve(stem + ".iter" + i + ".safetensors");
            if (!Files.isRegularFile(f) && i == config.iterations()) f = adoptFrom.resolve(stem + ".safetensors");
            if (Files.isRegularFile(f)) files.put(i, f);
            else absent.add(stem + ".iter" + i + ".safetensors");
        }
        if (!absent.isEmpty()) {
            throw new IOException(String.format(Locale.ROOT,
                    "checkpoints from %s: missing %s (make them with: mcdrop train --arch %s --iterations %d --batch %d --train-seed %d "
                            + "--checkpoint-every %d --out %s)", adoptFrom, String.join(", ", absent), architecture.displayName(),
                    config.iterations(), config.batchSize(), config.seed(), evalEvery, adoptFrom.resolve(stem + ".safetensors")));
        }
        String trainSeconds = "";
        for (var e : files.entrySet()) {
            Weights w = WeightsFile.load(e.getValue());
            requireMatches(e.getValue(), w, e.getKey(), trainImages);
            if (e.getKey() == config.iterations()) trainSeconds = w.metadata().getOrDefault("train.wall_seconds", "");
        }
        run.info("%s: evaluating %d checkpoints from %s instead of training", stem, files.size(), adoptFrom);
        for (var e : files.entrySet()) {
            int iteration = e.getKey();
            if (keepAllCheckpoints || iteration == config.iterations()) {
                Files.createDirectories(checkpoint(iteration).getParent());
                Path from = e.getValue();
                dev.mcdrop.io.AtomicFile.write(checkpoint(iteration), out -> {
                    try (java.io.InputStream in = Files.newInputStream(from)) {
                        in.transferTo(out);
                    }
                });
            }
            if (missing.contains(iteration)) evaluate(iteration, WeightsFile.load(e.getValue()), evaluator);
        }
        run.units().save(trainKey(), new Table("iterations", "adopted_from", "train_seconds")
                .add(config.iterations(), adoptFrom.toString(), trainSeconds), 0);
        run.unitFinished("adopted " + stem);
    }

    private void requireMatches(Path file, Weights w, int iteration, int trainImages) throws IOException {
        if (!w.network().architecture().equals(architecture)) {
            throw new IOException(file + ": __metadata__.architecture ('" + w.network().architecture().name()
                    + "') differs from this experiment's " + architecture.name());
        }
        Map<String, String> m = w.metadata();
        String[][] expected = {
                {"train.iterations", Integer.toString(iteration)},
                {"train.seed", Long.toString(config.seed())},
                {"train.recipe", config.recipe()},
                {"train.subset", config.subsetDescription()}};
        for (String[] kv : expected) {
            String got = m.get(kv[0]);
            if (!kv[1].equals(got)) {
                throw new IOException(file + ": __metadata__." + kv[0] + " is " + (got == null ? "missing" : "'" + got + "'")
                        + ", this experiment needs '" + kv[1] + "'");
            }
        }
        String data = m.get("train.data"); // "<dir> (<N> images)", written by `mcdrop train`
        if (data != null && !data.endsWith("(" + trainImages + " images)")) {
            throw new IOException(file + ": __metadata__.train.data is '" + data + "', this experiment trains on "
                    + trainImages + " images");
        }
        if (m.containsKey("train.init")) {
            throw new IOException(file + ": __metadata__.train.init says it started from " + m.get("train.init")
                    + ", not from Xavier init");
        }
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
        m.put("train.recipe", config.recipe());
        m.put("train.seed", Long.toString(config.seed()));
        m.put("train.iterations", Integer.toString(iteration));
        m.put("train.subset", config.subsetDescription());
        m.put("train.wall_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - begin) / 1e9));
        m.put("experiment", run.name() + "/" + stem);
        return m;
    }
}
