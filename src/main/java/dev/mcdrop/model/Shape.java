package dev.mcdrop.model;

/** Shape of one image's feature map: channels × height × width (a flat vector is C×1×1). */
public record Shape(int channels, int height, int width) {
    public Shape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("non-positive shape " + channels + "x" + height + "x" + width);
        }
    }

    public int plane() { return height * width; }

    public long elements() { return (long) channels * height * width; }

    @Override public String toString() { return channels + "x" + height + "x" + width; }
}
