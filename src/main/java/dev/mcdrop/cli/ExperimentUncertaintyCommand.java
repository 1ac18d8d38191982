package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.Datasets;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.experiment.UncertaintyExperiment;
import dev.mcdrop.model.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop experiment uncertainty}: calibration, OOD detection and rejection, standard vs MC dropout. */
@Command(name = "uncertainty", mixinStandardHelpOptions = true,
        header = "Uncertainty quality, standard against MC dropout: calibration, out-of-distribution detection, refusal.",
        description = "Uncertainty quality, standard against MC dropout: NLL, Brier score, ECE (15 bins) with a reliability "
                + "diagram on MNIST test; detection of Fashion-MNIST test images (AUROC, AUPR, FPR at 95%% TPR) by max "
                + "probability, predictive entropy and mutual information; accuracy against the fraction of most "
                + "uncertain inputs refused.")
final class ExperimentUncertaintyCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default experiments/uncertainty); rerun with the same folder to resume")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "in-distribution test set: MNIST folder with the t10k IDX files. Default: data/mnist, else the bundled 1,000 images")
    Path data;

    @Option(names = "--ood", paramLabel = "DIR",
            description = "out-of-distribution test set: Fashion-MNIST folder with the t10k IDX files. Default: data/fashion-mnist, else the bundled 200 images")
    Path ood;

    @Option(names = {"-T", "--samples"}, defaultValue = "100", converter = OptionValues.Positive.class, description = "MC samples T. Default: ${DEFAULT-VALUE}")
    int samples;

    @Mixin MaskSeedOption maskSeed = new MaskSeedOption();

    @Option(names = "--test-images", defaultValue = "0", converter = OptionValues.NonNegative.class, description = "use N images spread evenly over each test set (0 = all)")
    int testImages;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", this.out); // before loading anything
        Weights weights = model.load();
        LabeledImages mnist = mnistTest(data);
        LabelCheck.checkIdx(mnist, weights);
        LabeledImages in = Datasets.spread(mnist, testImages);
        LabeledImages out = Datasets.spread(fashionTest(ood), testImages);
        var settings = new UncertaintyExperiment.Settings(samples, maskSeed.seed(), ExperimentCommand.modelLabel(model.model), "MNIST test", "Fashion-MNIST test");
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("uncertainty", this.out, backend, backendOptions, spec)) {
            UncertaintyExperiment.run(run, settings, weights, in, out);
        }
        return 0;
    }

    /** MNIST t10k from {@code dir}, else data/mnist, else the bundled slice (with a note on stderr). */
    static LabeledImages mnistTest(Path dir) throws IOException {
        if (dir != null) return Datasets.idx(dir, false, ExperimentPlacementCommand.MNIST_HINT);
        Path full = Home.resolve("data/mnist");
        if (Files.exists(full.resolve("t10k-images-idx3-ubyte")) || Files.exists(full.resolve("t10k-images-idx3-ubyte.gz"))) {
            return Datasets.idx(full, false, ExperimentPlacementCommand.MNIST_HINT);
        }
        System.err.println("mcdrop: full MNIST test set not found (run scripts/fetch-mnist.sh); using the bundled 1,000-image slice");
        return Idx.read(Home.bundledMnistImages(), Home.bundledMnistLabels());
    }

    static LabeledImages fashionTest(Path dir) throws IOException {
        String hint = "run scripts/fetch-fashion-mnist.sh or give --ood DIR";
        if (dir != null) return Datasets.idx(dir, false, hint);
        Path full = Home.resolve("data/fashion-mnist");
        if (Files.exists(full.resolve("t10k-images-idx3-ubyte")) || Files.exists(full.resolve("t10k-images-idx3-ubyte.gz"))) {
            return Datasets.idx(full, false, hint);
        }
        System.err.println("mcdrop: full Fashion-MNIST test set not found (run scripts/fetch-fashion-mnist.sh); using the bundled 200-image slice");
        return Idx.read(Home.resolve("test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz"),
                Home.resolve("test-data/fashion-mnist/t10k-labels-first200-idx1-ubyte.gz"));
    }
}
