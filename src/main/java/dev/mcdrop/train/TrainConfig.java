package dev.mcdrop.train;

/**
 * Hyper-parameters of one training run; {@link #paper(int, long)} is the Caffe LeNet solver the
 * paper used (SGD, momentum 0.9, weight decay 5e-4, "inv" policy base 0.01, gamma 1e-4,
 * power 0.75, batch 64, bias lr_mult 2, bias decay_mult 1 = Caffe's default).
 *
 * @param iterations      SGD steps to run
 * @param batchSize       images per step
 * @param baseLr          Caffe base_lr
 * @param momentum        Caffe momentum
 * @param weightDecay     Caffe weight_decay (L2), applied as diff = grad + decay·w
 * @param gamma           "inv" policy gamma
 * @param power           "inv" policy power
 * @param biasLrMult      learning-rate multiplier of biases (Caffe lr_mult of the 2nd blob)
 * @param biasDecayMult   weight-decay multiplier of biases (Caffe decay_mult, default 1)
 * @param seed            Xavier init, data order and dropout masks derive from it
 * @param subsetFraction  train on a random subset of this fraction of the set (1 = all)
 * @param subsetSeed      which subset
 * @param checkpointEvery save every this many iterations (0 = only at the end)
 * @param logEvery        plain-log interval for non-terminal progress output (0 = 100)
 */
public record TrainConfig(int iterations, int batchSize, double baseLr, double momentum, double weightDecay,
                          double gamma, double power, double biasLrMult, double biasDecayMult, long seed,
                          double subsetFraction, long subsetSeed, int checkpointEvery, int logEvery) {
    public TrainConfig {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (!(baseLr >= 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(gamma >= 0)
                || !(power >= 0) || !(biasLrMult >= 0) || !(biasDecayMult >= 0)) {
            throw new IllegalArgumentException("invalid solver settings in " + TrainConfig.class.getSimpleName());
        }
        if (!(subsetFraction > 0 && subsetFraction <= 1)) {
            throw new IllegalArgumentException("subset fraction must be in (0, 1], got " + subsetFraction);
        }
        if (checkpointEvery < 0 || logEvery < 0) throw new IllegalArgumentException("negative interval");
    }

    /**
     * The solver in one line, as recorded in a checkpoint's {@code train.recipe} metadata, e.g.
     * "SGD momentum 0.9, weight decay 5e-4, lr 0.01*(1+1e-4*iter)^-0.75, bias lr x2, batch 64, Xavier".
     */
    public String recipe() {
        return "SGD momentum " + shortNumber(momentum) + ", weight decay " + shortNumber(weightDecay) + ", lr "
                + shortNumber(baseLr) + "*(1+" + shortNumber(gamma) + "*iter)^-" + shortNumber(power) + ", bias lr x"
                + shortNumber(biasLrMult) + ", batch " + batchSize + ", Xavier";
    }

    /** "1" for the full set, else e.g. "0.25 (seed 3)": the {@code train.subset} metadata. */
    public String subsetDescription() {
        return subsetFraction < 1 ? subsetFraction + " (seed " + subsetSeed + ")" : "1";
    }

    /** 5.0E-4 → "5e-4", 2.0 → "2", 0.75 → "0.75". */
    private static String shortNumber(double v) {
        String s = Double.toString(v).replace(".0E", "e").replace("E", "e");
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** The paper's Caffe LeNet solver, full training set, checkpoint only at the end. */
    public static TrainConfig paper(int iterations, long seed) {
        return new TrainConfig(iterations, 64, 0.01, 0.9, 5e-4, 1e-4, 0.75, 2.0, 1.0, seed,
                1.0, 0L, 0, 100);
    }

    public TrainConfig withIterations(int n) {
        return new TrainConfig(n, batchSize, baseLr, momentum, weightDecay, gamma, power, biasLrMult, biasDecayMult,
                seed, subsetFraction, subsetSeed, checkpointEvery, logEvery);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(iterations, b, baseLr, momentum, weightDecay, gamma, power, biasLrMult, biasDecayMult,
                seed, subsetFraction, subsetSeed, checkpointEvery, logEvery);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(iterations, batchSize, baseLr, momentum, weightDecay, gamma, power, biasLrMult,
                biasDecayMult, s, subsetFraction, subsetSeed, checkpointEvery, logEvery);
    }

    public TrainConfig withBaseLr(double lr) {
        return new TrainConfig(iterations, batchSize, lr, momentum, weightDecay, gamma, power, biasLrMult,
                biasDecayMult, seed, subsetFraction, subsetSeed, checkpointEvery, logEvery);
    }

    public TrainConfig withSubset(double fraction, long subsetSeed) {
        return new TrainConfig(iterations, batchSize, baseLr, momentum, weightDecay, gamma, power, biasLrMult,
                biasDecayMult, seed, fraction, subsetSeed, checkpointEvery, logEvery);
    }

    public TrainConfig withCheckpointEvery(int every) {
        return new TrainConfig(iterations, batchSize, baseLr, momentum, weightDecay, gamma, power, biasLrMult,
                biasDecayMult, seed, subsetFraction, subsetSeed, every, logEvery);
    }

    public TrainConfig withLogEvery(int every) {
        return new TrainConfig(iterations, batchSize, baseLr, momentum, weightDecay, gamma, power, biasLrMult,
                biasDecayMult, seed, subsetFraction, subsetSeed, checkpointEvery, every);
    }

    /** Learning rate of the weights at {@code iteration} (0-based). */
    public double learningRate(int iteration) {
        return LearningRate.inv(baseLr, gamma, power, iteration);
    }
}
