package dev.mcdrop.predict;

import dev.mcdrop.backend.Pairs;

/**
 * Receives the class probabilities of every stochastic pass of an MC run, for users who want the
 * T samples themselves rather than their summary (which the backend reduces on the device
 * without them). Called chunk by chunk, in pair order, on the predicting thread.
 */
@FunctionalInterface
public interface SampleSink {
    /**
     * {@code probs[k·columns + n]} is softmax(logits) of class k for column n, which is sample
     * {@code pairs.sampleOf(n)} of image {@code pairs.imageOf(n)}. {@code probs} is reused after
     * this returns.
     */
    void accept(Pairs pairs, int columns, int classes, float[] probs);
}
