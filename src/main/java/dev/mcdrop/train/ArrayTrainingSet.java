package dev.mcdrop.train;

import dev.mcdrop.model.Shape;

/**
 * A {@link TrainingSet} held in memory: raw pixel values (e.g. 0–255) as float[size][C·H·W] in
 * CHW order per image, and labels. Used by tests and handy for small synthetic problems.
 */
public final class ArrayTrainingSet implements TrainingSet {
    private final Shape shape;
    private final float[] pixels; // [size][C·H·W]
    private final int[] labels;

    public ArrayTrainingSet(Shape shape, float[] pixels, int[] labels) {
        if ((long) labels.length * shape.elements() != pixels.length) {
            throw new IllegalArgumentException("pixels " + pixels.length + " != " + labels.length + " x " + shape);
        }
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
    }

    @Override public int size() { return labels.length; }

    @Override public int label(int index) { return labels[index]; }

    @Override public Shape shape() { return shape; }

    @Override
    public void gather(int[] indices, int count, float scale, float[] dst) {
        int plane = shape.plane(), image = (int) shape.elements();
        for (int n = 0; n < count; n++) {
            int src = indices[n] * image;
            for (int c = 0; c < shape.channels(); c++) {
                int d = (c * count + n) * plane; // dst[c][n][·]
                for (int i = 0; i < plane; i++) dst[d + i] = pixels[src + c * plane + i] * scale;
            }
        }
    }
}
