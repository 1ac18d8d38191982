package dev.mcdrop.train;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Shape;

import java.util.List;
import java.util.Random;

/** Small architectures and data for the trainer tests. */
final class TestNets {
    private TestNets() {}

    /** conv 3@3×3 s2 p1 → ReLU → maxpool 3/1 (overlapping) → avgpool 2/1 → flatten → dense 4 → softmax. */
    static Network tiny() {
        return new Architecture("tiny", new Shape(2, 9, 9), 1f / 256f, List.of(
                new Layer.Conv2d("c1", 3, 3, 2, 1), new Layer.Relu(), new Layer.Pool(true, 3, 1),
                new Layer.Pool(false, 2, 1), new Layer.Flatten(), new Layer.Dense("d1", 4), new Layer.Softmax())).compile();
    }

    /** Two convs, element-wise and per-channel dropout, two dense layers with dropout between. */
    static Network tinyDropout() {
        return new Architecture("tiny-dropout", new Shape(1, 8, 8), 1f / 256f, List.of(
                new Layer.Conv2d("c1", 4, 3, 1, 0), new Layer.Dropout(0.5f, false), new Layer.Pool(true, 2, 2),
                new Layer.Conv2d("c2", 3, 2, 1, 1), new Layer.Relu(), new Layer.Dropout(0.3f, true),
                new Layer.Flatten(), new Layer.Dense("d1", 6), new Layer.Relu(), new Layer.Dropout(0.5f, false),
                new Layer.Dense("d2", 3), new Layer.Softmax())).compile();
    }

    /** Random pixels in [0, 256) and random labels. */
    static ArrayTrainingSet randomSet(Shape shape, int size, int classes, long seed) {
        Random r = new Random(seed);
        float[] px = new float[(int) (size * shape.elements())];
        for (int i = 0; i < px.length; i++) px[i] = r.nextFloat() * 256f;
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) labels[i] = r.nextInt(classes);
        return new ArrayTrainingSet(shape, px, labels);
    }

    /**
     * Two separable classes of noisy 8×8 images: class 0 has a bright horizontal bar, class 1 a
     * bright vertical bar, at a random row/column, plus noise.
     */
    static ArrayTrainingSet bars(int size, long seed) {
        Random r = new Random(seed);
        float[] px = new float[size * 64];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = i % 2;
            int line = 1 + r.nextInt(6);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) {
                    boolean on = labels[i] == 0 ? y == line : x == line;
                    px[i * 64 + y * 8 + x] = (on ? 200f : 0f) + r.nextFloat() * 50f;
                }
        }
        return new ArrayTrainingSet(new Shape(1, 8, 8), px, labels);
    }
}
