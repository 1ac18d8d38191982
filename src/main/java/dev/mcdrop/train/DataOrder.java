package dev.mcdrop.train;

/**
 * Which training images each step sees.
 *
 * <p>Subset (the paper's over-fitting experiment): when fraction &lt; 1, the first
 * round(fraction·size) entries (at least 1) of a Fisher–Yates shuffle of 0..size−1 seeded by
 * {@code subsetSeed}, sorted ascending. The subset depends only on (size, fraction, subsetSeed),
 * not on the training seed, so runs with different seeds share it.
 *
 * <p>Order: Caffe reads its LMDB sequentially and wraps around; we read an endless stream of
 * epochs instead, epoch e being a Fisher–Yates permutation of the subset seeded by
 * derive(seed, e). Step t takes stream positions t·B … t·B+B−1, so a batch may straddle two
 * epochs exactly like Caffe's cursor does. Everything is a pure function of the seeds.
 */
public final class DataOrder {
    private final int[] subset;
    private final long seed;
    private final int[] epochOrder;
    private long epochLoaded = -1;

    public DataOrder(int size, double fraction, long subsetSeed, long seed) {
        this.subset = subset(size, fraction, subsetSeed);
        this.seed = seed;
        this.epochOrder = new int[subset.length];
    }

    /** The indices trained on, ascending. */
    public static int[] subset(int size, double fraction, long subsetSeed) {
        if (size <= 0) throw new IllegalArgumentException("empty training set");
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1]");
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        if (fraction == 1.0) return all;
        int m = (int) Math.max(1, Math.min(size, Math.round(fraction * size)));
        new SplitMix64(SplitMix64.derive(subsetSeed, 0x5B5E7L)).shuffle(all);
        int[] s = java.util.Arrays.copyOf(all, m);
        java.util.Arrays.sort(s);
        return s;
    }

    public int[] subset() { return subset.clone(); }

    public int subsetSize() { return subset.length; }

    /** Fills {@code dst[0..batch)} with the indices of step {@code iteration}. */
    public void batch(long iteration, int batch, int[] dst) {
        long pos = iteration * batch;
        int n = subset.length;
        for (int i = 0; i < batch; i++, pos++) {
            long epoch = pos / n;
            if (epoch != epochLoaded) loadEpoch(epoch);
            dst[i] = epochOrder[(int) (pos % n)];
        }
    }

    private void loadEpoch(long epoch) {
        System.arraycopy(subset, 0, epochOrder, 0, subset.length);
        new SplitMix64(SplitMix64.derive(seed, epoch)).shuffle(epochOrder);
        epochLoaded = epoch;
    }
}
