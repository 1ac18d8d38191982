package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.Datasets;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.experiment.PlacementExperiment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop experiment placement}: paper Fig. 1 on MNIST. */
@Command(name = "placement", mixinStandardHelpOptions = true,
        header = "Paper Fig. 1: test error of three dropout placements on MNIST against training iterations.",
        description = "Paper Fig. 1: train lenet-none, lenet-ip and lenet-all on MNIST; test error against iterations, each "
                + "with standard dropout and with MC dropout (6 curves).")
final class ExperimentPlacementCommand implements Callable<Integer> {
    static final String MNIST_HINT = "run scripts/fetch-mnist.sh or give --data DIR";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TrainingExperimentOptions options = new TrainingExperimentOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder with the train and t10k IDX files. Default: data/mnist")
    Path data;

    @Option(names = "--checkpoints-from", paramLabel = "DIR",
            description = "evaluate the checkpoints of earlier `mcdrop train --checkpoint-every N` runs in DIR "
                    + "(<preset>.iter<K>.safetensors, the final one may be <preset>.safetensors) instead of training; "
                    + "their metadata must match --iterations, --train-seed and --batch, and N must equal --eval-every")
    Path checkpointsFrom;

    @Option(names = {"-T", "--samples"}, defaultValue = "100", converter = OptionValues.Positive.class, description = "MC samples T (the paper: 100). Default: ${DEFAULT-VALUE}")
    int samples;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", options.out); // before loading anything
        TrainingExperimentOptions.noteSeedMeaning(spec);
        Path dir = data != null ? data : Home.resolve("data/mnist");
        LabeledImages train = Datasets.idx(dir, true, MNIST_HINT);
        LabeledImages test = Datasets.spread(Datasets.idx(dir, false, MNIST_HINT), options.testImages);
        var settings = new PlacementExperiment.Settings(PlacementExperiment.Settings.MNIST, "MNIST", options.iterations,
                options.evalEvery, options.trainSeed, samples, options.maskSeed.seed(), options.batch, options.keepAll());
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("placement", options.out, backend, backendOptions, spec)) {
            PlacementExperiment.run(run, settings, train, test, checkpointsFrom);
        }
        return 0;
    }
}
