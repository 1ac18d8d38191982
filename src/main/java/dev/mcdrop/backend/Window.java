package dev.mcdrop.backend;

/**
 * A 2-D sliding window (a convolution's kernel or a pool's), as ONNX describes one: kernel,
 * strides, zero padding on each side ({@code [top, left, bottom, right]}) and dilation, each per
 * axis, height first. The chain's square windows are {@link #square}; graphs give any window.
 * Built in steps so no call site lists ten ints: {@code Window.kernel(3, 3).strides(2, 2).pads(1, 1, 1, 1)}.
 *
 * <p>Output size along an axis, kₑ = (k − 1)·d + 1 being the dilated kernel:
 * {@code out = ⌊(in + begin + end − kₑ)/s⌋ + 1}, or with ceil mode {@code ⌈…⌉ + 1} less one when
 * that last window would start at or past {@code in + begin} (docs/GRAPH.md, "Operators").
 */
public record Window(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                     int padTop, int padLeft, int padBottom, int padRight,
                     int dilationHeight, int dilationWidth) {
    public Window {
        if (kernelHeight <= 0 || kernelWidth <= 0 || strideHeight <= 0 || strideWidth <= 0
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0
                || dilationHeight <= 0 || dilationWidth <= 0) {
            throw new IllegalArgumentException("invalid window " + this);
        }
    }

    /** A kernel with stride 1, no padding, no dilation. */
    public static Window kernel(int height, int width) { return new Window(height, width, 1, 1, 0, 0, 0, 0, 1, 1); }

    /** The chain's window: square kernel and stride, the same padding on all four sides. */
    public static Window square(int kernel, int stride, int padding) {
        return new Window(kernel, kernel, stride, stride, padding, padding, padding, padding, 1, 1);
    }

    public Window strides(int height, int width) {
        return new Window(kernelHeight, kernelWidth, height, width, padTop, padLeft, padBottom, padRight, dilationHeight, dilationWidth);
    }

    public Window pads(int top, int left, int bottom, int right) {
        return new Window(kernelHeight, kernelWidth, strideHeight, strideWidth, top, left, bottom, right, dilationHeight, dilationWidth);
    }

    public Window dilations(int height, int width) {
        return new Window(kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft, padBottom, padRight, height, width);
    }

    /** (k − 1)·d + 1 rows of input a window spans. */
    public long spanHeight() { return (long) (kernelHeight - 1) * dilationHeight + 1; }

    public long spanWidth() { return (long) (kernelWidth - 1) * dilationWidth + 1; }

    /** Same stride both ways, the same padding on all sides, no dilation: the chain's windows, which the fast paths know. */
    public boolean isSquareUniform() {
        return kernelHeight == kernelWidth && strideHeight == strideWidth && padTop == padLeft && padTop == padBottom
                && padTop == padRight && dilationHeight == 1 && dilationWidth == 1;
    }

    public boolean hasPadding() { return (padTop | padLeft | padBottom | padRight) != 0; }

    /** Output rows over {@code in} input rows; ≤ 0 when the window does not fit (callers refuse that). */
    public long outHeight(long in, boolean ceilMode) {
        return outSize(in, spanHeight(), strideHeight, padTop, padBottom, ceilMode);
    }

    public long outWidth(long in, boolean ceilMode) {
        return outSize(in, spanWidth(), strideWidth, padLeft, padRight, ceilMode);
    }

    static long outSize(long in, long span, long stride, long begin, long end, boolean ceil) {
        long room = in + begin + end - span;
        if (room < 0) return 0;
        long out = ceil ? Math.floorDiv(room + stride - 1, stride) + 1 : room / stride + 1;
        if (ceil && (out - 1) * stride >= in + begin) out--; // a last window starting in the end padding is dropped
        return out;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder().append(kernelHeight).append('x').append(kernelWidth);
        if (strideHeight != 1 || strideWidth != 1) sb.append(" stride ").append(strideHeight).append('x').append(strideWidth);
        if (hasPadding()) sb.append(" pads [").append(padTop).append(',').append(padLeft).append(',')
                .append(padBottom).append(',').append(padRight).append(']');
        if (dilationHeight != 1 || dilationWidth != 1) sb.append(" dilation ").append(dilationHeight).append('x').append(dilationWidth);
        return sb.toString();
    }
}
