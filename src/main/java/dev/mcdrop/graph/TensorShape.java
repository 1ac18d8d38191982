package dev.mcdrop.graph;

import dev.mcdrop.model.Shape;
import java.util.Arrays;

/**
 * The shape of one image's slice of a tensor, the batch dimension N left implicit: rank 3
 * (channels × height × width, a feature map; ONNX [N,C,H,W]) or rank 1 (features; ONNX [N,F]).
 * Built only from sizes that {@link ShapeInference} has checked against {@link GraphLimits}, so
 * {@link #elements()} fits an int.
 */
public record TensorShape(int[] dims) {
    public TensorShape {
        dims = dims.clone();
        if (dims.length != 1 && dims.length != 3) {
            throw new IllegalArgumentException("per-image rank " + dims.length + "; only 1 (features) and 3 (C×H×W) are supported");
        }
        for (int d : dims) if (d <= 0) throw new IllegalArgumentException("non-positive dimension in " + Arrays.toString(dims));
    }

    public static TensorShape of(int... dims) { return new TensorShape(dims); }

    public static TensorShape image(Shape s) { return new TensorShape(new int[]{s.channels(), s.height(), s.width()}); }

    public static TensorShape features(int count) { return new TensorShape(new int[]{count}); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    @Override public int[] dims() { return dims.clone(); }

    public boolean isImage() { return dims.length == 3; }

    /** Channels of a feature map, or the feature count of a flat tensor. */
    public int channels() { return dims[0]; }

    public int height() { return isImage() ? dims[1] : 1; }

    public int width() { return isImage() ? dims[2] : 1; }

    /** Height × width (1 for a flat tensor). */
    public int plane() { return height() * width(); }

    public long elements() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** The chain engine's view: C×H×W, a flat tensor being F×1×1. */
    public Shape toShape() { return new Shape(channels(), height(), width()); }

    @Override public boolean equals(Object o) { return o instanceof TensorShape t && Arrays.equals(dims, t.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    /** ONNX style with the batch: {@code Nx3x32x32}, {@code Nx10}. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("N");
        for (int d : dims) sb.append('x').append(d);
        return sb.toString();
    }
}
