package dev.mcdrop.model;

/**
 * The bounds every architecture is held to when it is loaded (docs/MODEL-FORMAT.md, "Limits").
 * They are generous for any real network and keep every size the engine computes inside an int:
 * with each side, kernel, stride and padding at most 2¹⁶ and every per-image feature map at most
 * 2²⁸ values, {@code in + 2·padding}, {@code oy·stride − padding} and the plane and patch sizes
 * the backends compute in int cannot overflow. Shapes themselves are computed in long
 * ({@link Network}). A value out of bounds is refused with the layer and the field named, never
 * wrapped around into a different (and wrong) network.
 */
public final class ArchitectureLimits {
    /** Layers in one architecture. */
    public static final int MAX_LAYERS = 10_000;
    /** Input height and width; kernel, stride and padding of a convolution or a pooling layer. */
    public static final int MAX_SIDE = 1 << 16;
    /** Filters of a convolution. */
    public static final int MAX_FILTERS = 1 << 16;
    /** Units of a dense layer, channels of the input. */
    public static final int MAX_UNITS = 1 << 24;
    /** Values of any tensor, and of any feature map (or unfolded convolution input) per image. */
    public static final long MAX_VALUES = 256L << 20;

    private ArchitectureLimits() {}

    static void checkLayerCount(int layers, String where) {
        if (layers > MAX_LAYERS) {
            throw new ArchitectureException(where + ": " + layers + " layers; at most " + MAX_LAYERS + " are supported");
        }
    }

    static void checkInput(Shape input, String where) {
        check(where + ": input", "channels", input.channels(), MAX_UNITS);
        check(where + ": input", "height", input.height(), MAX_SIDE);
        check(where + ": input", "width", input.width(), MAX_SIDE);
    }

    /** The layer's own fields (not yet its shapes), {@code at} naming the layer. */
    static void checkFields(Layer layer, String at) {
        switch (layer) {
            case Layer.Conv2d c -> {
                check(at, "filters", c.filters(), MAX_FILTERS);
                check(at, "kernel", c.kernel(), MAX_SIDE);
                check(at, "stride", c.stride(), MAX_SIDE);
                check(at, "padding", c.padding(), MAX_SIDE);
            }
            case Layer.Dense d -> check(at, "units", d.units(), MAX_UNITS);
            case Layer.Pool p -> {
                check(at, "kernel", p.kernel(), MAX_SIDE);
                check(at, "stride", p.stride(), MAX_SIDE);
            }
            default -> {}
        }
    }

    private static void check(String at, String field, long value, long max) {
        if (value > max) {
            throw new ArchitectureException(at + ": field '" + field + "' is " + value + "; at most " + max
                    + " is supported (docs/MODEL-FORMAT.md, Limits)");
        }
    }

    /** The product of non-negative factors, or Long.MAX_VALUE where it would overflow a long (sizes checked against limits). */
    public static long saturatedProduct(long... factors) {
        long p = 1;
        for (long f : factors) {
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return p;
    }
}
