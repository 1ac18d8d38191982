package dev.mcdrop.train;

/**
 * Caffe's SGD solver update for one tensor (sgd_solver.cpp: Regularize, ComputeUpdateValue,
 * Update), in float like Caffe:
 * <pre>
 *   diff    = grad + decay·w          (L2; decay = weight_decay · decay_mult)
 *   history = momentum·history + rate·diff   (rate = lr(iter) · lr_mult)
 *   w       = w − history
 * </pre>
 */
public final class Sgd {
    private Sgd() {}

    public static void step(float[] w, float[] grad, float[] history, float rate, float momentum, float decay) {
        for (int i = 0; i < w.length; i++) {
            float diff = grad[i] + decay * w[i];
            float h = momentum * history[i] + rate * diff;
            history[i] = h;
            w[i] -= h;
        }
    }
}
