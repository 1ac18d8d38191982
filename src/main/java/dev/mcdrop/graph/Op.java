package dev.mcdrop.graph;

import java.util.OptionalInt;

/**
 * What a {@link Node} computes: one record per supported operator, named as in ONNX, with the
 * operator's attributes as named fields (docs/GRAPH.md gives each one's semantics). Weights are
 * not fields: they are the node's initializer inputs (a Conv's kernel size comes from its weight's
 * shape). The batch dimension is implicit: every activation is [N, …] and every op acts per image.
 */
public sealed interface Op {
    /** The ONNX operator name: "Conv", "BatchNormalization", … */
    default String type() { return getClass().getSimpleName(); }

    /** A pair of spatial values (kernel, strides, dilations), height first as in ONNX. */
    record Size2(int height, int width) {
        public static final Size2 ONE = new Size2(1, 1);

        public static Size2 square(int n) { return new Size2(n, n); }

        @Override public String toString() { return height + "x" + width; }
    }

    /** Zero padding added around the input plane, ONNX's [top, left, bottom, right] (x1_begin, x2_begin, x1_end, x2_end). */
    record Pads(int top, int left, int bottom, int right) {
        public static final Pads NONE = new Pads(0, 0, 0, 0);

        public static Pads all(int p) { return new Pads(p, p, p, p); }

        @Override public String toString() { return "[" + top + "," + left + "," + bottom + "," + right + "]"; }
    }

    /**
     * ONNX auto_pad. Anything but NOTSET is turned into explicit {@link Pads} when the graph is
     * built ({@link Graph}'s nodes always carry NOTSET): SAME_* pads so that out = ⌈in / stride⌉,
     * the odd pixel at the end (UPPER) or the beginning (LOWER); VALID pads nothing.
     */
    enum AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID }

    /**
     * Inputs X [N,C,H,W], W [M, C/group, kH, kW] (an initializer), optional B [M] (an initializer).
     * y[m][oy][ox] = B[m] + Σ_{c,ky,kx} W[m][c][ky][kx] · x[g·C/group + c][oy·sh − top + ky·dh][ox·sw − left + kx·dw],
     * g = m / (M/group), zero outside the input.
     */
    record Conv(Size2 strides, Pads pads, AutoPad autoPad, Size2 dilations, int group) implements Op {
        public static Conv simple(int stride, int padding) {
            return new Conv(Size2.square(stride), Pads.all(padding), AutoPad.NOTSET, Size2.ONE, 1);
        }
    }

    /**
     * Inputs A [N,K], B (an initializer, [K,M], or [M,K] when transB), optional C (an initializer
     * broadcast to [M]: shape [], [1], [M], [1,M] or [1,1]). y = alpha·A·op(B) + beta·C. transA is
     * not supported: the batch is A's rows.
     */
    record Gemm(boolean transB, double alpha, double beta) implements Op {}

    /** Inputs A [N,K] and B [K,M] (an initializer): y = A·B. */
    record MatMul() implements Op {}

    /**
     * Inference batch norm. Inputs X [N,C,…], scale, B, mean, var (initializers, each [C]):
     * y = scale[c]·(x − mean[c]) / √(var[c] + epsilon) + B[c]. {@link Folding} folds it into a
     * preceding Conv / Gemm / MatMul where it can.
     */
    record BatchNormalization(double epsilon) implements Op {}

    /**
     * Max over each window of kernel taps (dilated), padding never chosen (it is −∞). ceilMode: the
     * output size rounds up, but a window that would start beyond the input and its top/left
     * padding is dropped (PyTorch's and ONNX ≥ 1.16's rule).
     */
    record MaxPool(Size2 kernel, Size2 strides, Pads pads, AutoPad autoPad, boolean ceilMode, Size2 dilations) implements Op {}

    /**
     * Mean over each window. countIncludePad: the divisor counts the explicit padding (not the
     * overhang that ceilMode adds past it); otherwise only the input pixels in the window.
     */
    record AveragePool(Size2 kernel, Size2 strides, Pads pads, AutoPad autoPad, boolean ceilMode, boolean countIncludePad)
            implements Op {}

    /** [N,C,H,W] → [N,C,1,1], the mean of each plane. */
    record GlobalAveragePool() implements Op {}

    /** [N,C,H,W] → [N,C,1,1], the max of each plane. */
    record GlobalMaxPool() implements Op {}

    record Relu() implements Op {}

    /** x ≥ 0 ? x : alpha·x. */
    record LeakyRelu(double alpha) implements Op {}

    /** 1 / (1 + e^−x). */
    record Sigmoid() implements Op {}

    record Tanh() implements Op {}

    /** min(max(x, min), max); ReLU6 is Clip(0, 6). Unbounded sides are ±∞. */
    record Clip(double min, double max) implements Op {}

    /** x · Φ(x) = x/2 · (1 + erf(x/√2)), ONNX Gelu with approximate = "none". */
    record Gelu() implements Op {}

    /** a + b, numpy broadcasting over the per-image dims (per-channel: a [C,1,1] or [1,C,1,1] operand). */
    record Add() implements Op {}

    /** a − b, broadcast like {@link Add}. */
    record Sub() implements Op {}

    /** a · b, broadcast like {@link Add}. */
    record Mul() implements Op {}

    /** Concatenation along axis 1 (channels, or features); every other dimension equal. */
    record Concat() implements Op {}

    /** ONNX Flatten with axis 1: [N, …] → [N, product of the rest], row-major (PyTorch's order). */
    record Flatten() implements Op {}

    /** ONNX Reshape, restricted to [N, features]: the values unchanged, row-major; features must be the input's size. */
    record Reshape(int features) implements Op {}

    record Identity() implements Op {}

    /** exp(x − max) / Σ exp(x − max) along {@code axis} of the full [N, …] tensor (negative counts from the end; never 0). */
    record Softmax(int axis) implements Op {}

    /**
     * MC dropout: each unit kept with probability 1 − ratio and scaled by 1 / (1 − ratio), else 0;
     * the identity in the standard pass. perChannel: one draw per channel (spatial dropout).
     * The mask is a pure function of (seed, image key, sample, mask index, element), the mask index
     * being {@code maskIndex} when given, else the node's position among the graph's Dropout nodes
     * in topological order ({@link Graph#maskIndex}; docs/GRAPH.md, "Dropout index").
     */
    record Dropout(float ratio, boolean perChannel, OptionalInt maskIndex) implements Op {
        public Dropout(float ratio, boolean perChannel) { this(ratio, perChannel, OptionalInt.empty()); }
    }
}
