package dev.mcdrop.train;

import dev.mcdrop.model.Shape;

/**
 * Labelled images the trainer draws minibatches from (the MNIST reader implements it; tests use
 * {@link ArrayTrainingSet}). The trainer never holds the whole set as floats: it gathers one
 * batch at a time, straight into the CNHW layout the layers use.
 */
public interface TrainingSet {
    int size();

    /** Class of image {@code index}, in [0, classes). */
    int label(int index);

    /** Shape of one image (must equal the network's input). */
    Shape shape();

    /** Writes images[indices[n]]·scale into dst[c][n][y][x] for n &lt; count (CNHW, count columns). */
    void gather(int[] indices, int count, float scale, float[] dst);
}
