package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.ConvergenceExperiment;
import dev.mcdrop.experiment.Datasets;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.model.Weights;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop experiment convergence}: paper Fig. 4. */
@Command(name = "convergence", mixinStandardHelpOptions = true,
        header = "Paper Fig. 4: test error against the number of MC samples T.",
        description = "Paper Fig. 4: test error against the number of MC samples T = 1…100, mean ± 1 std over 5 mask seeds, "
                + "standard dropout as a reference line.")
final class ExperimentConvergenceCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default experiments/convergence); rerun with the same folder to resume")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST folder with the t10k IDX files. Default: data/mnist, else the bundled 1,000 test images")
    Path data;

    @Option(names = "--samples-list", split = ",", defaultValue = "1,2,3,5,7,10,15,20,30,50,70,100", converter = OptionValues.Positive.class,
            description = "the T values. Default: ${DEFAULT-VALUE}")
    List<Integer> samples;

    @Option(names = "--seeds", defaultValue = "5", converter = OptionValues.Positive.class, description = "mask seeds per T. Default: ${DEFAULT-VALUE}")
    int seeds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", converter = OptionValues.Seed.class, description = "first mask seed (then +1, +2, …). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--test-images", defaultValue = "0", converter = OptionValues.NonNegative.class, description = "evaluate on N test images spread evenly over the test set (0 = all)")
    int testImages;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", out); // before loading anything
        Weights weights = model.load();
        LabeledImages all = ExperimentUncertaintyCommand.mnistTest(data);
        LabelCheck.checkIdx(all, weights);
        LabeledImages test = Datasets.spread(all, testImages);
        var settings = new ConvergenceExperiment.Settings(samples, seeds, seed, ExperimentCommand.modelLabel(model.model));
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("convergence", out, backend, backendOptions, spec)) {
            ConvergenceExperiment.run(run, settings, weights, test);
        }
        return 0;
    }
}
