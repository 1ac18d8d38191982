package dev.mcdrop.cli;

import dev.mcdrop.cpu.Sgemm;
import dev.mcdrop.cpu.WorkerPool;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.train.LabeledTrainingSet;
import dev.mcdrop.train.ProgressBar;
import dev.mcdrop.train.TrainConfig;
import dev.mcdrop.train.TrainResult;
import dev.mcdrop.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcdrop train}: the paper's Caffe solver on the CPU, checkpoints as safetensors with the recipe in the metadata. */
@Command(name = "train", mixinStandardHelpOptions = true, header = "Train a network with the paper's recipe.",
        description = {"Train a network with the paper's recipe: SGD, momentum 0.9, weight decay 5e-4,",
                "lr 0.01·(1+1e-4·iter)^-0.75 (biases at twice the rate), batch 64, Xavier init, dropout on.",
                "Seeded and reproducible. Writes safetensors with the architecture and the training record in its metadata."})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", defaultValue = "lenet-all", description = "preset name or architecture JSON file. Default: ${DEFAULT-VALUE}")
    String arch;

    @Option(names = "--iterations", defaultValue = "10000", converter = OptionValues.NonNegative.class, description = "SGD steps. Default: ${DEFAULT-VALUE}")
    int iterations;

    @Option(names = "--batch", defaultValue = "64", converter = OptionValues.Positive.class, description = "images per step. Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--train-seed", paramLabel = "S", defaultValue = "1", converter = OptionValues.Seed.class,
            description = "training seed (init, data order, dropout masks). Default: ${DEFAULT-VALUE}")
    long trainSeed;

    private Long oldSeedName;   // picocli sets the defaults of unmatched options after parsing: kept apart

    @Option(names = "--seed", paramLabel = "S", hidden = true, converter = OptionValues.Seed.class, description = "old name of --train-seed")
    void oldSeedName(long value) {
        StderrLog.INSTANCE.log(System.Logger.Level.WARNING, "--seed is now --train-seed");
        oldSeedName = value;
    }

    long trainSeed() {
        return oldSeedName != null ? oldSeedName : trainSeed;
    }

    @Option(names = "--subset", defaultValue = "1", converter = OptionValues.Fraction.class,
            description = "train on a random fraction of the training set, above 0 and at most 1 (e.g. 0.25). Default: all")
    double subset;

    @Option(names = "--subset-seed", defaultValue = "0", converter = OptionValues.Seed.class, description = "which random subset. Default: ${DEFAULT-VALUE}")
    long subsetSeed;

    @Option(names = "--data", paramLabel = "DIR", description = "directory with train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz), or CIFAR-10's data_batch_1..5.bin. Default: data/mnist")
    Path data;

    @Option(names = "--out", paramLabel = "FILE", required = true, converter = OptionValues.OutputFile.class, description = "where to write the weights (.safetensors)")
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "0", converter = OptionValues.NonNegative.class,
            description = "also write FILE-stem.iterN.safetensors every N steps beside --out (0: only the final --out)")
    int checkpointEvery;

    @Option(names = "--init", paramLabel = "FILE", description = "start from these weights instead of Xavier init")
    Path init;

    @Option(names = "--threads", defaultValue = "0", converter = OptionValues.Threads.class,
            description = "CPU threads, at most 1024; 0 or auto = all cores")
    int threads;

    @Override
    public Integer call() throws Exception {
        OutputPaths.check("--out", out); // before anything: a bad --out must not cost a whole training run
        long seed = trainSeed();
        Path dir = data != null ? data : Home.resolve("data/mnist");
        boolean cifar = Files.exists(dir.resolve("data_batch_1.bin"));  // CIFAR-10's binary version
        List<Path> dataFiles = new ArrayList<>();
        if (cifar) {
            for (int i = 1; i <= 5; i++) dataFiles.add(dir.resolve("data_batch_" + i + ".bin"));
        } else {
            dataFiles.add(find(dir, "train-images-idx3-ubyte"));
            dataFiles.add(find(dir, "train-labels-idx1-ubyte"));
        }
        checkOutputsAreNotInputs(dataFiles);
        Architecture architecture = ModelOptions.architecture(arch);
        Network network = architecture.compile();
        LabeledImages train = cifar ? dev.mcdrop.data.Cifar10.readDirectory(dir, true) : Idx.read(dataFiles.get(0), dataFiles.get(1));
        TrainConfig config = TrainConfig.paper(iterations, seed).withBatchSize(batch).withSubset(subset, subsetSeed)
                .withCheckpointEvery(checkpointEvery);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.err.printf(Locale.ROOT, "mcdrop: training %s (%d parameters) on %s (%d images%s), %d iterations of %d, seed %d, %d threads%n",
                architecture.displayName(), network.parameterCount(), dir, train.count(),
                subset < 1 ? String.format(Locale.ROOT, ", subset %.4g with seed %d", subset, subsetSeed) : "",
                iterations, batch, seed, t);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("train.command", command(dir, seed));
        meta.put("train.recipe", config.recipe());
        meta.put("train.seed", Long.toString(seed));
        meta.put("train.data", Home.display(dir) + " (" + train.count() + " images)");
        meta.put("train.subset", config.subsetDescription());
        if (init != null) meta.put("train.init", init.toString());
        meta.put("train.machine", dev.mcdrop.experiment.Machine.cpuModel() + ", " + t + " threads");
        try (WorkerPool pool = new WorkerPool(t)) {
            Sgemm sgemm = new Sgemm(pool);
            Trainer trainer = new Trainer(network, config, sgemm::gemm, dev.mcdrop.train.Loops.on(pool));
            Map<String, float[]> start = init == null ? null : WeightsFile.load(init, architecture).tensors();
            long begin = System.nanoTime();
            TrainResult result = trainer.train(new LabeledTrainingSet(train), start, (iteration, params) -> {
                Map<String, String> m = new LinkedHashMap<>(meta);
                m.put("train.iterations", Integer.toString(iteration));
                m.put("train.wall_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - begin) / 1e9));
                m.put("train.date", Instant.now().toString());
                Path target = iteration == iterations ? out : checkpointPath(out, iteration);
                WeightsFile.save(new Weights(network, params, Map.of()), target, m);
            }, trainingBar());
            System.err.printf(Locale.ROOT, "mcdrop: wrote %s after %d iterations in %s (final loss %.4f)%n", out,
                    result.iterations(), Progress.time(result.wallSeconds()), result.finalLoss());
        }
        return 0;
    }

    /** --out and its checkpoints must not be --init, an --arch file or a training data file (a usage error). */
    private void checkOutputsAreNotInputs(List<Path> dataFiles) {
        List<OutputPaths.Use> reads = new ArrayList<>(OutputPaths.uses(OutputPaths.Use.of("--init", init),
                arch == null || Presets.exists(arch) ? null : OutputPaths.Use.of("--arch", Path.of(arch))));
        for (Path f : dataFiles) reads.add(OutputPaths.Use.of("--data", f));
        List<OutputPaths.Use> writes = new ArrayList<>(List.of(OutputPaths.Use.of("--out", out)));
        if (checkpointEvery > 0) { // only the checkpoints that could clash: those an input is named like
            for (OutputPaths.Use in : reads) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*\\.iter(\\d{1,9})\\.safetensors")
                        .matcher(in.path().getFileName().toString());
                if (!m.matches()) continue;
                int iteration = Integer.parseInt(m.group(1));
                if (iteration > 0 && iteration < iterations && iteration % checkpointEvery == 0) {
                    writes.add(OutputPaths.Use.of("the --checkpoint-every checkpoint", checkpointPath(out, iteration)));
                }
            }
        }
        OutputPaths.check(spec, writes, reads);
    }

    /** Training progress on stderr: a bar redrawn in place on a terminal, else a line every 100 steps. */
    static ProgressBar trainingBar() {
        StderrLog.release(); // training starts: the backend line (experiments) first
        java.io.Console console = System.console();
        return new ProgressBar(System.err, console != null && console.isTerminal(), 100);
    }

    /**
     * The command line that reproduces this run's weights and checkpoints (the thread count does not change them),
     * recorded in every checkpoint and shown on model cards.
     */
    private String command(Path dir, long seed) {
        StringBuilder c = new StringBuilder("mcdrop train --arch ").append(shellWord(arch))
                .append(" --iterations ").append(iterations).append(" --batch ").append(batch).append(" --train-seed ").append(seed);
        if (subset < 1) c.append(" --subset ").append(subset).append(" --subset-seed ").append(subsetSeed);
        if (init != null) c.append(" --init ").append(shellWord(Home.display(init)));
        if (checkpointEvery > 0) c.append(" --checkpoint-every ").append(checkpointEvery);
        c.append(" --data ").append(shellWord(Home.display(dir))).append(" --out ").append(shellWord(Home.display(out)));
        return c.toString();
    }

    /** {@code word} as one shell word: as is when it is plain, else in single quotes. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./=:,+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** models/x.safetensors → models/x.iter2500.safetensors */
    static Path checkpointPath(Path out, int iteration) {
        String name = out.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return out.resolveSibling(stem + ".iter" + iteration + ".safetensors");
    }

    private static Path find(Path dir, String name) throws java.io.IOException {
        return dev.mcdrop.data.DataPaths.findIdxFile(dir, name, "not found (nor " + name + ".gz); run scripts/fetch-mnist.sh or give --data DIR");
    }
}
