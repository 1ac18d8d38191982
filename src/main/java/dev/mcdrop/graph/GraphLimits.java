package dev.mcdrop.graph;

import dev.mcdrop.model.ArchitectureLimits;

/**
 * The bounds a graph is held to when it is built, the chain's ({@link ArchitectureLimits}) carried
 * over to graphs: every side, kernel, stride, padding and dilation at most 2¹⁶, every per-image
 * tensor (and every convolution's unfolded input, which the backends form) at most 2²⁸ values,
 * channels at most 2²⁴. Shapes are computed in long and checked against these before any int is
 * formed, so a hostile file cannot wrap a size around into a different, wrong network or make the
 * engine allocate gigabytes.
 */
public final class GraphLimits {
    /** Nodes in one graph. */
    public static final int MAX_NODES = 1 << 16;
    /** Initializers in one graph. */
    public static final int MAX_INITIALIZERS = 1 << 17;
    /** Height and width of any tensor; kernel, stride, padding and dilation of a Conv or a pooling node. */
    public static final int MAX_SIDE = ArchitectureLimits.MAX_SIDE;
    /** Channels (or features) of any tensor; groups of a convolution. */
    public static final int MAX_CHANNELS = ArchitectureLimits.MAX_UNITS;
    /** Values of any initializer, of any tensor per image, and of any convolution's unfolded input per image. */
    public static final long MAX_VALUES = ArchitectureLimits.MAX_VALUES;

    private GraphLimits() {}

    /** The product of non-negative factors, or Long.MAX_VALUE where it would overflow a long. */
    static long product(long... factors) {
        return dev.mcdrop.model.ArchitectureLimits.saturatedProduct(factors);
    }

    /** "at most …" wording for a count that may have saturated at Long.MAX_VALUE. */
    static String count(long values) {
        return values == Long.MAX_VALUE ? "more than 2^63" : Long.toString(values);
    }
}
