package dev.mcdrop.train;

/**
 * Caffe's learning-rate policies. Only "inv" is needed for the paper's LeNet solver:
 * lr(iter) = base_lr · (1 + gamma·iter)^(−power), evaluated in double.
 */
public final class LearningRate {
    private LearningRate() {}

    public static double inv(double baseLr, double gamma, double power, long iteration) {
        return baseLr * Math.pow(1.0 + gamma * iteration, -power);
    }
}
