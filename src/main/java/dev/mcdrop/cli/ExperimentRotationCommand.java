package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.experiment.RotationExperiment;
import dev.mcdrop.model.Weights;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop experiment rotation}: one test digit turned step by step, MC samples against standard dropout. */
@Command(name = "rotation", mixinStandardHelpOptions = true,
        header = "One MNIST digit rotated step by step: MC-dropout samples against standard dropout.",
        description = "One MNIST test digit rotated from 0 to --max-angle degrees: at each angle the T MC-dropout samples "
                + "(mean ± std per class, all of them in samples.npy), the standard-dropout output, predictive entropy, "
                + "mutual information and variation ratio; plots and summary.md. Takes seconds.")
final class ExperimentRotationCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default experiments/rotation)")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST folder with the t10k IDX files. Default: data/mnist, else the bundled 1,000 images")
    Path data;

    @Option(names = "--digit", defaultValue = "1", converter = OptionValues.NonNegative.class, description = "rotate the first test image of this class. Default: ${DEFAULT-VALUE}")
    int digit;

    @Option(names = "--image", paramLabel = "N", converter = OptionValues.NonNegative.class,
            description = "rotate this test image instead (index into the test set, from 0)")
    Integer image;

    @Option(names = "--max-angle", defaultValue = "180", converter = OptionValues.Angle.class,
            description = "last angle in degrees, from -360 to 360. Default: ${DEFAULT-VALUE}")
    double maxAngle;

    @Option(names = "--steps", defaultValue = "12", converter = OptionValues.RotationSteps.class,
            description = "steps between 0 and --max-angle, from 1 to 360. Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = {"-T", "--samples"}, defaultValue = "100", converter = OptionValues.Positive.class, description = "MC samples T. Default: ${DEFAULT-VALUE}")
    int samples;

    @Mixin MaskSeedOption maskSeed = new MaskSeedOption();

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory("--out", out); // before loading anything
        Weights weights = model.load();
        LabeledImages test = ExperimentUncertaintyCommand.mnistTest(data);
        int index = image != null ? image : firstOf(test, digit);
        var settings = new RotationExperiment.Settings(samples, maskSeed.seed(), ExperimentCommand.modelLabel(model.model), index, maxAngle, steps);
        try (Backend backend = backendOptions.open();
             ExperimentRun run = ExperimentCommand.open("rotation", this.out, backend, backendOptions, spec)) {
            RotationExperiment.run(run, settings, weights, test);
        }
        return 0;
    }

    private static int firstOf(LabeledImages test, int digit) {
        if (!test.hasLabels()) throw new IllegalArgumentException("--digit needs test labels; give --image N instead");
        for (int i = 0; i < test.count(); i++) if (test.label(i) == digit) return i;
        throw new IllegalArgumentException("no test image of class " + digit + " in " + test.source());
    }
}
