package dev.mcdrop.backend;

/**
 * Shape of one 2-D convolution: {@code inChannels} planes of {@code inHeight × inWidth} in,
 * {@code outChannels} planes out, a {@link Window} (kernel, strides, pads, dilations) and
 * {@code groups}: input and output channels split into that many equal groups, output group g
 * reading input group g only (1: an ordinary convolution; inChannels: depthwise). The weight is
 * {@code [outChannels][inChannels/groups][kH][kW]}.
 *
 * <p>Sizes are computed in long and the constructor refuses a geometry whose padded input,
 * planes, per-image tensors or im2col patch matrix would not fit an int, so the int accessors
 * (and the backends' int index arithmetic) never wrap around. Networks are bounded well inside
 * this at load ({@code ArchitectureLimits}, {@code GraphLimits}).
 */
public record ConvGeometry(int inChannels, int inHeight, int inWidth, int outChannels, Window window, int groups) {
    public ConvGeometry {
        if (inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0 || window == null || groups <= 0
                || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + describe(inChannels, inHeight, inWidth, outChannels, window, groups));
        }
        long paddedHeight = (long) inHeight + window.padTop() + window.padBottom();
        long paddedWidth = (long) inWidth + window.padLeft() + window.padRight();
        String self = describe(inChannels, inHeight, inWidth, outChannels, window, groups);
        if (paddedHeight > Integer.MAX_VALUE || paddedWidth > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution geometry " + self + ": the padded input does not fit an int");
        }
        if (paddedHeight < window.spanHeight() || paddedWidth < window.spanWidth()) {
            throw new IllegalArgumentException("convolution geometry " + self + ": the kernel does not fit the padded input");
        }
        long outPlane = window.outHeight(inHeight, false) * window.outWidth(inWidth, false);
        long inPlane = (long) inHeight * inWidth;
        long patch = (long) (inChannels / groups) * window.kernelHeight() * window.kernelWidth();
        if (inPlane * inChannels > Integer.MAX_VALUE || outPlane * outChannels > Integer.MAX_VALUE
                || patch > Integer.MAX_VALUE || patch * outPlane > Integer.MAX_VALUE
                || (long) outChannels * patch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution geometry " + self + ": a per-image size does not fit an int");
        }
    }

    /** The chain's convolution: square stride, the same zero padding on all sides, one group. */
    public ConvGeometry(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth,
                        int stride, int padding) {
        this(inChannels, inHeight, inWidth, outChannels,
                new Window(kernelHeight, kernelWidth, stride, stride, padding, padding, padding, padding, 1, 1), 1);
    }

    private static String describe(int inChannels, int inHeight, int inWidth, int outChannels, Window window, int groups) {
        return inChannels + "x" + inHeight + "x" + inWidth + " -> " + outChannels + " kernel " + window
                + (groups == 1 ? "" : " groups " + groups);
    }

    public int kernelHeight() { return window.kernelHeight(); }

    public int kernelWidth() { return window.kernelWidth(); }

    /**
     * The stride of a window with the same stride both ways, no dilation and one group (the
     * chain's kind, which the fast paths were written for); test {@link #isUniform()} first.
     */
    public int stride() {
        requireUniform();
        return window.strideHeight();
    }

    /** The padding of a uniform geometry (the same on all four sides); test {@link #isUniform()} first. */
    public int padding() {
        requireUniform();
        return window.padTop();
    }

    /** Square-uniform window (kernel may be rectangular), no dilation, one group: what the chain builds. */
    public boolean isUniform() {
        Window w = window;
        return groups == 1 && w.strideHeight() == w.strideWidth() && w.padTop() == w.padLeft() && w.padTop() == w.padBottom()
                && w.padTop() == w.padRight() && w.dilationHeight() == 1 && w.dilationWidth() == 1;
    }

    private void requireUniform() {
        if (!isUniform()) throw new IllegalStateException("convolution " + this + " is not uniform: read its window");
    }

    /** A 1×1 kernel, stride 1, no padding, one group: the convolution is a GEMM on the input as it lies. */
    public boolean isPointwise() {
        Window w = window;
        return groups == 1 && w.kernelHeight() == 1 && w.kernelWidth() == 1 && w.strideHeight() == 1 && w.strideWidth() == 1
                && !w.hasPadding();
    }

    /** groups = inChannels: each output channel reads one input channel. */
    public boolean isDepthwise() { return groups > 1 && groups == inChannels; }

    public int outHeight() { return (int) window.outHeight(inHeight, false); }

    public int outWidth() { return (int) window.outWidth(inWidth, false); }

    public int groupInChannels() { return inChannels / groups; }

    public int groupOutChannels() { return outChannels / groups; }

    /** Rows of one group's im2col matrix, the weight's row length: (inChannels/groups) · kernelHeight · kernelWidth. */
    public int patchSize() { return groupInChannels() * window.kernelHeight() * window.kernelWidth(); }

    public int outPlane() { return outHeight() * outWidth(); }

    public int inPlane() { return inHeight * inWidth; }

    /** Multiply-adds per image. */
    public long macsPerImage() { return (long) outChannels * patchSize() * outPlane(); }

    @Override public String toString() { return describe(inChannels, inHeight, inWidth, outChannels, window, groups); }
}
