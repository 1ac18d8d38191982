package dev.mcdrop.backend;

import dev.mcdrop.rng.DropoutMask;

/**
 * Which Bernoulli mask a dropout op draws over the columns {@code pairs} describes. Because a
 * mask bit depends only on (seed, sample, global image, layer, element) — see
 * {@link DropoutMask} — chunk size and batch size cannot change a result.
 *
 * @param seed       64-bit Philox key
 * @param layer      index of the dropout layer in the network (part of the counter)
 * @param p          drop probability in [0, 1)
 * @param perChannel one bit per (channel, sample, image) instead of per element
 * @param pairs      the (sample, image) of each column
 */
public record MaskSpec(long seed, int layer, float p, boolean perChannel, Pairs pairs) {
    public MaskSpec {
        DropoutMask.dropThreshold(p); // validates p
        if (layer < 0 || pairs == null) {
            throw new IllegalArgumentException("invalid mask spec: layer=" + layer + " pairs=" + pairs);
        }
    }

    public int threshold() { return DropoutMask.dropThreshold(p); }

    public float scale() { return DropoutMask.keepScale(p); }

    /** Scalar definition of the mask, used by reference code and tests. */
    public boolean keep(int column, int channel, long elementInImage) {
        long element = perChannel ? channel : elementInImage;
        return DropoutMask.keep(seed, pairs.sampleOf(column), pairs.imageOf(column), layer, element, threshold());
    }
}
