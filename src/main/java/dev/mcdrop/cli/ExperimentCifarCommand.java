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

/** {@code mcdrop experiment cifar}: the placement experiment with the CIFAR-10 LeNets. */
@Command(name = "cifar", mixinStandardHelpOptions = true,
        header = "Dropout placement on CIFAR-10: test error against training iterations.",
        description = "Dropout placement on CIFAR-10: train cifar-lenet-none, cifar-lenet-ip and cifar-lenet-all; test "
                + "error against iterations with standard and MC dropout. --data names the folder of the binary files "
                + "(data_batch_1..5.bin, test_batch.bin from cifar-10-binary.tar.gz).")
final class ExperimentCifarCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TrainingExperimentOptions options = new TrainingExperimentOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "folder with data_batch_1..5.bin and test_batch.bin")
    Path data;

    @Option(names = {"-T", "--samples"}, defaultValue = "100", converter = OptionValues.Positive.class, description = "MC samples T. Default: ${DEFAULT-VALUE}")
    int samples;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", options.out); // before loading anything
        TrainingExperimentOptions.noteSeedMeaning(spec);
        LabeledImages train = Datasets.cifar10(data, true);
        LabeledImages test = Datasets.spread(Datasets.cifar10(data, false), options.testImages);
        var settings = new PlacementExperiment.Settings(PlacementExperiment.Settings.CIFAR, "CIFAR-10", options.iterations,
                options.evalEvery, options.trainSeed, samples, options.maskSeed.seed(), options.batch, options.keepAll());
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("cifar", options.out, backend, backendOptions, spec)) {
            PlacementExperiment.run(run, settings, train, test);
        }
        return 0;
    }
}
