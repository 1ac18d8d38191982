package dev.mcdrop.backend;

/**
 * A pointwise activation, applied after a bias (and a residual) in the ops' epilogues: identity,
 * ReLU, leaky ReLU (slope {@code alpha} below 0), clip to [{@code alpha}, {@code beta}] (ReLU6 is
 * clip(0, 6)), sigmoid, tanh, and GELU with the exact erf. {@link #IDENTITY} and {@link #RELU} are
 * the only instances of their kinds, so {@code ==} may compare them.
 */
public record Activation(Kind kind, float alpha, float beta) {
    public enum Kind { IDENTITY, RELU, LEAKY_RELU, CLIP, SIGMOID, TANH, GELU }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0, 0);
    public static final Activation RELU = new Activation(Kind.RELU, 0, 0);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0, 0);
    public static final Activation TANH = new Activation(Kind.TANH, 0, 0);
    public static final Activation GELU = new Activation(Kind.GELU, 0, 0);

    public Activation {
        if (kind == null || Float.isNaN(alpha) || Float.isNaN(beta) || (kind == Kind.CLIP && alpha > beta)) {
            throw new IllegalArgumentException("invalid activation " + kind + "(" + alpha + ", " + beta + ")");
        }
    }

    public static Activation leakyRelu(float alpha) { return new Activation(Kind.LEAKY_RELU, alpha, 0); }

    /** min(max(x, min), max); ±∞ for an open side. */
    public static Activation clip(float min, float max) { return new Activation(Kind.CLIP, min, max); }

    /** The float definition every float backend matches (GELU within a few ulp: erf has no exact float form). */
    public float apply(float x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0f);
            case LEAKY_RELU -> x >= 0f ? x : alpha * x;
            case CLIP -> Math.min(Math.max(x, alpha), beta);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case TANH -> (float) Math.tanh(x);
            case GELU -> (float) apply((double) x);
        };
    }

    /** The float64 definition (the reference backend's). */
    public double apply(double x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0.0);
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case CLIP -> Math.min(Math.max(x, alpha), beta);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case GELU -> x * 0.5 * Erf.erfc(-x / Math.sqrt(2)); // erfc keeps the negative tail accurate
        };
    }

    @Override public String toString() {
        return switch (kind) {
            case LEAKY_RELU -> "leaky_relu(" + alpha + ")";
            case CLIP -> "clip(" + alpha + ", " + beta + ")";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
