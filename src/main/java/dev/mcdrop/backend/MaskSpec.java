package dev.mcdrop.backend;

import dev.mcdrop.rng.DropoutMask;

/**
 * Which Bernoulli mask a dropout op draws over the columns {@code pairs} describes. A mask bit
 * depends only on (seed, sample, image key, layer, element) — see {@link DropoutMask} — so chunk
 * size and batch size cannot change a result.
 *
 * <p>The image key is the 32-bit counter word that stands for a column's image: entry
 * {@code pairs.batchIndexOf(column)} of {@code imageKeys}, a table on the backend
 * ({@link Backend#allocateKeys}, {@link Backend#uploadKeys}) that the predictor fills from the
 * images' pixels (content keys) or with zeros (shared masks); without a table it is the image's
 * position {@code pairs.imageOf(column)}, truncated to 32 bits. docs/DESIGN.md ("Mask keys") gives
 * the whole derivation.
 *
 * @param seed       64-bit Philox key
 * @param layer      index of the dropout layer in the network (part of the counter)
 * @param p          drop probability in [0, 1)
 * @param perChannel one bit per (channel, sample, image) instead of per element
 * @param pairs      the (sample, image) of each column
 * @param imageKeys  the batch's image keys on the backend running the op, or null for positions
 */
public record MaskSpec(long seed, int layer, float p, boolean perChannel, Pairs pairs, Buffer imageKeys) {
    public MaskSpec {
        DropoutMask.dropThreshold(p); // validates p
        if (layer < 0 || pairs == null) {
            throw new IllegalArgumentException("invalid mask spec: layer=" + layer + " pairs=" + pairs);
        }
        if (imageKeys != null && imageKeys.size() < pairs.batchImages()) {
            throw new IllegalArgumentException("mask key table of " + imageKeys.size() + " for a batch of " + pairs.batchImages());
        }
    }

    /** Keys by position: the image word is the image's index {@code pairs.imageOf(column)}. */
    public MaskSpec(long seed, int layer, float p, boolean perChannel, Pairs pairs) {
        this(seed, layer, p, perChannel, pairs, null);
    }

    public int threshold() { return DropoutMask.dropThreshold(p); }

    public float scale() { return DropoutMask.keepScale(p); }

    /**
     * The image word of column {@code column}'s masks, as an unsigned value. Host-side: reads a
     * {@link HostKeys} table (a device table is read by the device's kernels alone).
     */
    public long imageKey(int column) {
        if (imageKeys == null) return pairs.imageOf(column) & 0xFFFFFFFFL;
        if (!(imageKeys instanceof HostKeys host)) {
            throw new IllegalStateException("mask keys " + imageKeys + " live on a device; only its kernels read them");
        }
        return host.key(pairs.batchIndexOf(column)) & 0xFFFFFFFFL;
    }

    /** Scalar definition of the mask, used by reference code and tests. */
    public boolean keep(int column, int channel, long elementInImage) {
        long element = perChannel ? channel : elementInImage;
        return DropoutMask.keep(seed, pairs.sampleOf(column), imageKey(column), layer, element, threshold());
    }
}
