package dev.mcdrop.backend;

/**
 * Layout of the per-image MC accumulator row written by {@link Backend#mcAccumulate}, K = classes,
 * as floats: {@code [ Σp (K) | running mean (K) | M2 (K) | votes (K) | Σ entropy (1) ]}.
 *
 * <p>Σp gives the MC mean probabilities. The running mean and M2 are Welford's update for the
 * sample variance — for the t-th sample (t = 1, 2, …) of an image,
 * {@code delta = p − mean; mean += delta / t; M2 += delta·(p − mean)} — so the std is
 * {@code sqrt(M2 / T)} without the cancellation of {@code Σp²/T − (Σp/T)²} in float (which gave
 * std ≈ 3e-4 for identical samples); identical samples give M2 = 0 exactly.
 */
public final class McAccumulators {
    private McAccumulators() {}

    public static int width(int classes) { return 4 * classes + 1; }

    public static int sumOffset(int classes) { return 0; }

    /** Welford's running mean (its own float sums; the reported mean is Σp / T). */
    public static int meanOffset(int classes) { return classes; }

    /** Welford's M2 = Σ (p − mean)² over the samples so far. */
    public static int m2Offset(int classes) { return 2 * classes; }

    public static int votesOffset(int classes) { return 3 * classes; }

    public static int entropyOffset(int classes) { return 4 * classes; }
}
