package dev.mcdrop.backend;

/** The elementwise operator of {@link Backend#binary}: ONNX's Add, Sub, Mul. */
public enum BinaryOp {
    ADD, SUB, MUL;

    public float apply(float a, float b) {
        return switch (this) { case ADD -> a + b; case SUB -> a - b; case MUL -> a * b; };
    }

    public double apply(double a, double b) {
        return switch (this) { case ADD -> a + b; case SUB -> a - b; case MUL -> a * b; };
    }
}
