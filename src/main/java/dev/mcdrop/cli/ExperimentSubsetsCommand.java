package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.Datasets;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.experiment.SubsetsExperiment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop experiment subsets}: paper Fig. 2. */
@Command(name = "subsets", mixinStandardHelpOptions = true,
        header = "Paper Fig. 2: standard against MC dropout, trained on small random subsets of MNIST.",
        description = "Paper Fig. 2: random subsets 1/4, 1/8, 1/16, 1/32 of MNIST (seeded); lenet-ip with standard dropout "
                + "against lenet-all with MC dropout (T=10); test error against iterations, one panel per subset.")
final class ExperimentSubsetsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TrainingExperimentOptions options = new TrainingExperimentOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder with the train and t10k IDX files. Default: data/mnist")
    Path data;

    @Option(names = {"-T", "--samples"}, defaultValue = "10", converter = OptionValues.Positive.class, description = "MC samples T (the paper's Fig. 2: 10). Default: ${DEFAULT-VALUE}")
    int samples;

    @Option(names = "--divisors", split = ",", defaultValue = "4,8,16,32", converter = OptionValues.Positive.class, description = "subsets as 1/d of the training set. Default: ${DEFAULT-VALUE}")
    List<Integer> divisors;

    @Option(names = "--subset-seed", defaultValue = "0", converter = OptionValues.Seed.class, description = "which random subsets. Default: ${DEFAULT-VALUE}")
    long subsetSeed;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", options.out); // before loading anything
        TrainingExperimentOptions.noteSeedMeaning(spec);
        Path dir = data != null ? data : Home.resolve("data/mnist");
        LabeledImages train = Datasets.idx(dir, true, ExperimentPlacementCommand.MNIST_HINT);
        LabeledImages test = Datasets.spread(Datasets.idx(dir, false, ExperimentPlacementCommand.MNIST_HINT), options.testImages);
        var settings = new SubsetsExperiment.Settings(divisors, options.iterations, options.evalEvery, options.trainSeed, subsetSeed,
                samples, options.maskSeed.seed(), options.batch, options.keepAll());
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("subsets", options.out, backend, backendOptions, spec)) {
            SubsetsExperiment.run(run, settings, train, test);
        }
        return 0;
    }
}
