package dev.mcdrop.backend;

/** Pointwise activation applied after a bias. */
public enum Activation {
    IDENTITY, RELU;

    public float apply(float x) { return this == RELU ? Math.max(x, 0f) : x; }

    public double apply(double x) { return this == RELU ? Math.max(x, 0.0) : x; }
}
