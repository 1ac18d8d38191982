package dev.mcdrop.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: the seed of the test-time dropout masks in the experiments, named as in predict,
 * eval and bench. {@code --mc-seed}, its name before, still parses (hidden) and says the new one.
 */
final class MaskSeedOption {
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", converter = OptionValues.Seed.class,
            description = "mask seed of the MC-dropout passes at test time. Default: ${DEFAULT-VALUE}")
    private long seed;

    private Long oldNameValue;   // picocli sets the defaults of unmatched options after parsing: kept apart

    @Option(names = "--mc-seed", paramLabel = "S", hidden = true, converter = OptionValues.Seed.class, description = "old name of --seed")
    void oldName(long value) {
        StderrLog.INSTANCE.log(System.Logger.Level.WARNING, "--mc-seed is now --seed");
        oldNameValue = value;
    }

    long seed() {
        return oldNameValue != null ? oldNameValue : seed;
    }
}
