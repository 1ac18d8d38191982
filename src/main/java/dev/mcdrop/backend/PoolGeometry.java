package dev.mcdrop.backend;

/**
 * Shape of a 2-D pooling over planes of height × width: a {@link Window} (kernel, strides, pads,
 * dilations), floor or ceil rounding of the output size, and for an average whether padding
 * counts in the divisor ({@code countIncludePad}; the overhang ceil mode adds never counts). Max
 * pooling never picks padding. A global pool is the window of the whole plane ({@link #global}).
 * The semantics are docs/GRAPH.md's ("Operators"); a window lying wholly in padding is refused.
 */
public record PoolGeometry(PoolKind kind, int height, int width, Window window, boolean ceilMode, boolean countIncludePad) {
    public enum PoolKind { MAX, AVERAGE }

    public PoolGeometry {
        if (kind == null || window == null || height <= 0 || width <= 0 || (long) height * width > Integer.MAX_VALUE
                || window.padTop() >= window.spanHeight() || window.padBottom() >= window.spanHeight()
                || window.padLeft() >= window.spanWidth() || window.padRight() >= window.spanWidth()
                || window.outHeight(height, ceilMode) <= 0 || window.outWidth(width, ceilMode) <= 0
                || window.outHeight(height, ceilMode) * window.outWidth(width, ceilMode) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid pooling geometry " + kind + " " + height + "x" + width + " window " + window
                    + (ceilMode ? " ceil" : ""));
        }
    }

    /** The chain's pool: square kernel and stride, no padding, floor rounding. */
    public PoolGeometry(PoolKind kind, int height, int width, int kernel, int stride) {
        this(kind, height, width, Window.square(kernel, stride, 0), false, false);
    }

    /** One window over the whole plane: [C,H,W] → [C,1,1]. */
    public static PoolGeometry global(PoolKind kind, int height, int width) {
        return new PoolGeometry(kind, height, width, Window.kernel(height, width), false, false);
    }

    /** Square kernel and stride, no padding, no dilation, floor rounding: the chain's kind, which the fast paths know. */
    public boolean isSimple() {
        Window w = window;
        return w.kernelHeight() == w.kernelWidth() && w.strideHeight() == w.strideWidth() && !w.hasPadding()
                && w.dilationHeight() == 1 && w.dilationWidth() == 1 && !ceilMode;
    }

    /** The window covers the whole plane once. */
    public boolean isGlobal() {
        return window.kernelHeight() == height && window.kernelWidth() == width && !window.hasPadding()
                && window.dilationHeight() == 1 && window.dilationWidth() == 1;
    }

    /** Kernel side of a {@link #isSimple() simple} pool. */
    public int kernel() {
        requireSimple();
        return window.kernelHeight();
    }

    /** Stride of a {@link #isSimple() simple} pool. */
    public int stride() {
        requireSimple();
        return window.strideHeight();
    }

    private void requireSimple() {
        if (!isSimple()) throw new IllegalStateException("pool " + this + " is not simple: read its window");
    }

    public int outHeight() { return (int) window.outHeight(height, ceilMode); }

    public int outWidth() { return (int) window.outWidth(width, ceilMode); }

    public int plane() { return height * width; }

    public int outPlane() { return outHeight() * outWidth(); }
}
