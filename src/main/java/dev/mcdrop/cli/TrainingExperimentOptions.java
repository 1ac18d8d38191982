package dev.mcdrop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the experiments that train networks (placement, subsets, cifar). */
final class TrainingExperimentOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default experiments/<name>); rerun with the same folder to resume")
    Path out;

    @Option(names = "--iterations", defaultValue = "10000", converter = OptionValues.Positive.class, description = "SGD steps per model. Default: ${DEFAULT-VALUE}")
    int iterations;

    @Option(names = "--eval-every", defaultValue = "1000", converter = OptionValues.Positive.class, description = "evaluate every N steps (and at the end). Default: ${DEFAULT-VALUE}")
    int evalEvery;

    @Option(names = "--train-seed", paramLabel = "S", defaultValue = "1", converter = OptionValues.Seed.class,
            description = "training seed (init, data order, training masks), as in mcdrop train. Default: ${DEFAULT-VALUE}")
    long trainSeed;

    @Mixin MaskSeedOption maskSeed = new MaskSeedOption();

    @Option(names = "--batch", defaultValue = "64", converter = OptionValues.Positive.class, description = "training batch (the paper: 64). Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--test-images", defaultValue = "0", converter = OptionValues.NonNegative.class, description = "evaluate on N test images spread evenly over the test set (0 = all), for speed")
    int testImages;

    @Option(names = "--checkpoints", defaultValue = "all", converter = OptionValues.Checkpoints.class,
            description = "which checkpoints to keep in DIR/checkpoints: all (every evaluated one) or final. Default: ${DEFAULT-VALUE}")
    String checkpoints;

    /**
     * Until 2026-12-03 these experiments' {@code --seed} was the training seed; now it is the mask seed, as
     * everywhere. An old command line would silently change meaning, so giving {@code --seed} here says so
     * once (the run's settings.txt records both seeds either way).
     */
    static void noteSeedMeaning(picocli.CommandLine.Model.CommandSpec spec) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
            StderrLog.INSTANCE.log(System.Logger.Level.WARNING, "in " + spec.qualifiedName() + ", --seed is the mask seed of the "
                    + "test-time passes; the training seed is --train-seed (--seed meant the training seed here before 2026-12-03)");
        }
    }

    boolean keepAll() {
        return switch (checkpoints) {
            case "all" -> true;
            case "final" -> false;
            default -> throw new IllegalArgumentException("--checkpoints must be all or final, got '" + checkpoints + "'");
        };
    }
}
