package dev.mcdrop.backend;

/**
 * Layout of the per-image MC accumulator row written by {@link Backend#mcAccumulate}:
 * {@code [ Σp (K) | Σp² (K) | votes (K) | Σ entropy (1) ]}, K = classes, as floats.
 */
public final class McAccumulators {
    private McAccumulators() {}

    public static int width(int classes) { return 3 * classes + 1; }

    public static int sumOffset(int classes) { return 0; }

    public static int sumSquaresOffset(int classes) { return classes; }

    public static int votesOffset(int classes) { return 2 * classes; }

    public static int entropyOffset(int classes) { return 3 * classes; }
}
