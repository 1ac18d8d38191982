package dev.mcdrop.predict;

import dev.mcdrop.model.Shape;

/** Images to predict, read in CNHW batches: dst[c][n][y][x] = pixel(from + n)·scale. */
public interface ImageSource {
    int count();

    Shape imageShape();

    void copyCnhw(int from, int count, float scale, float[] dst, int dstOffset);
}
