package dev.mcdrop.train;

/**
 * Softmax cross-entropy averaged over the batch (Caffe's SoftmaxWithLoss, normalization by the
 * batch size), on logits[classes][N] (one column per image). Returns the mean loss and writes
 * dLogits[k][n] = (softmax_k − [k = label_n]) / N. Column sums run in double in class order.
 */
final class SoftmaxLoss {
    private SoftmaxLoss() {}

    static double forwardBackward(float[] logits, int[] labels, int classes, int n, float[] dLogits) {
        double total = 0;
        for (int img = 0; img < n; img++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) max = Math.max(max, logits[k * n + img]);
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += Math.exp(logits[k * n + img] - max);
            int label = labels[img];
            total += Math.log(sum) - (logits[label * n + img] - max); // −log softmax_label
            if (dLogits != null) {
                for (int k = 0; k < classes; k++) {
                    double p = Math.exp(logits[k * n + img] - max) / sum;
                    dLogits[k * n + img] = (float) ((p - (k == label ? 1.0 : 0.0)) / n);
                }
            }
        }
        return total / n;
    }
}
