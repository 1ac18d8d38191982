package dev.mcdrop.train;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Shape;

/** A labelled image set (MNIST, Fashion-MNIST, CIFAR-10) as the trainer's {@link TrainingSet}. */
public final class LabeledTrainingSet implements TrainingSet {
    private final LabeledImages images;
    private final Shape shape;
    private final float[] one; // one image, [C][H][W]

    public LabeledTrainingSet(LabeledImages images) {
        if (!images.hasLabels()) throw new IllegalArgumentException(images.source() + ": training needs labels");
        this.images = images;
        this.shape = new Shape(images.channels(), images.height(), images.width());
        this.one = new float[(int) shape.elements()];
    }

    @Override public int size() { return images.count(); }

    @Override public int label(int index) { return images.label(index); }

    @Override public Shape shape() { return shape; }

    @Override
    public void gather(int[] indices, int count, float scale, float[] dst) {
        int plane = shape.plane();
        for (int n = 0; n < count; n++) {
            images.copyCnhw(indices[n], 1, scale, one, 0);
            for (int c = 0; c < shape.channels(); c++) {
                System.arraycopy(one, c * plane, dst, (c * count + n) * plane, plane);
            }
        }
    }
}
