package dev.mcdrop.train;

/**
 * The SplitMix64 generator (Steele, Lea &amp; Flood 2014), spelled out here so that data order and
 * initial weights depend on nothing but the seed (not on a JDK's java.util.Random internals).
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) { this.state = seed; }

    /** A seed for an independent stream: mixes a base seed with a stream id. */
    static long derive(long seed, long stream) {
        return mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03L + 0x8CB92BA72F3D8DD7L));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, bound), by Lemire's unbiased multiply-and-reject. */
    int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        long m = (nextLong() >>> 32) * bound;
        if ((m & 0xFFFFFFFFL) < bound) {
            long t = (0x1_0000_0000L - bound) % bound;
            while ((m & 0xFFFFFFFFL) < t) m = (nextLong() >>> 32) * bound;
        }
        return (int) (m >>> 32);
    }

    /** Uniform in [0, 1) with 24 random bits (exactly representable as float). */
    float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Fisher–Yates shuffle in place. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
