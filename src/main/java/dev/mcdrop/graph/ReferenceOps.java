package dev.mcdrop.graph;

import dev.mcdrop.backend.Erf;
import dev.mcdrop.rng.DropoutMask;
import java.util.List;

/**
 * Every operator of {@link Op} as the plainest loops over its definition, on one image's tensor
 * in float64, row-major ([C][H][W] or [F]). Clarity over speed: this is the control that the
 * backends' kernels are tested against. Sums run in the order the chain engine's float64
 * reference ({@link dev.mcdrop.backend.ReferenceBackend}) uses — over input channel, kernel row,
 * kernel column from 0.0, the bias added last — so a chain network gives the same doubles here.
 */
final class ReferenceOps {
    private ReferenceOps() {}

    static double[] conv(double[] x, TensorShape in, double[] w, int kh, int kw, double[] bias, Op.Conv c, TensorShape out) {
        int groupIn = in.channels() / c.group(), groupOut = out.channels() / c.group();
        int sh = c.strides().height(), sw = c.strides().width(), dh = c.dilations().height(), dw = c.dilations().width();
        double[] y = new double[(int) out.elements()];
        for (int m = 0; m < out.channels(); m++) {
            int g = m / groupOut;
            for (int oy = 0; oy < out.height(); oy++)
                for (int ox = 0; ox < out.width(); ox++) {
                    double acc = 0.0;
                    for (int ci = 0; ci < groupIn; ci++)
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - c.pads().top() + ky * dh, ix = ox * sw - c.pads().left() + kx * dw;
                                if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) continue;
                                acc += w[((m * groupIn + ci) * kh + ky) * kw + kx]
                                        * x[((g * groupIn + ci) * in.height() + iy) * in.width() + ix];
                            }
                    y[(m * out.height() + oy) * out.width() + ox] = bias == null ? acc : acc + bias[m];
                }
        }
        return y;
    }

    /** y = alpha·a·op(b) + beta·c, b being [K,M] (or [M,K] with transB), c one value or M values (null: none). */
    static double[] gemm(double[] a, double[] b, boolean transB, double alpha, double beta, double[] c, int m) {
        int k = a.length;
        double[] y = new double[m];
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++) s += (transB ? b[j * k + p] : b[p * m + j]) * a[p];
            y[j] = alpha * s + (c == null ? 0.0 : beta * c[c.length == 1 ? 0 : j]);
        }
        return y;
    }

    static double[] batchNorm(double[] x, TensorShape s, double[] scale, double[] bias, double[] mean, double[] var, double epsilon) {
        double[] y = new double[x.length];
        int plane = s.plane();
        for (int c = 0; c < s.channels(); c++)
            for (int i = 0; i < plane; i++) {
                int at = c * plane + i;
                y[at] = scale[c] * (x[at] - mean[c]) / Math.sqrt(var[c] + epsilon) + bias[c];
            }
        return y;
    }

    /** Max or mean over each window; a tap outside the input is padding (never the max; in the mean's divisor only with countIncludePad). */
    static double[] pool(double[] x, TensorShape in, boolean max, Op.Size2 kernel, Op.Size2 strides, Op.Pads pads, Op.Size2 dilations,
                         boolean countIncludePad, TensorShape out) {
        int h = in.height(), w = in.width();
        double[] y = new double[(int) out.elements()];
        for (int c = 0; c < in.channels(); c++)
            for (int oy = 0; oy < out.height(); oy++)
                for (int ox = 0; ox < out.width(); ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
                    int inside = 0, padded = 0;
                    for (int ky = 0; ky < kernel.height(); ky++)
                        for (int kx = 0; kx < kernel.width(); kx++) {
                            int iy = oy * strides.height() - pads.top() + ky * dilations.height();
                            int ix = ox * strides.width() - pads.left() + kx * dilations.width();
                            if (iy >= -pads.top() && iy < h + pads.bottom() && ix >= -pads.left() && ix < w + pads.right()) padded++;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            inside++;
                            double v = x[(c * h + iy) * w + ix];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    y[(c * out.height() + oy) * out.width() + ox] = max ? acc : acc / (double) (countIncludePad ? padded : inside);
                }
        return y;
    }

    static double[] global(double[] x, TensorShape in, boolean max) {
        int plane = in.plane();
        double[] y = new double[in.channels()];
        for (int c = 0; c < in.channels(); c++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
            for (int i = 0; i < plane; i++) acc = max ? Math.max(acc, x[c * plane + i]) : acc + x[c * plane + i];
            y[c] = max ? acc : acc / plane;
        }
        return y;
    }

    static double[] unary(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f.applyAsDouble(x[i]);
        return y;
    }

    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** x·Φ(x), Φ(x) = erfc(−x/√2)/2 (= (1 + erf(x/√2))/2, without its cancellation for x ≪ 0). */
    static double gelu(double x) { return x * 0.5 * Erf.erfc(-x / Math.sqrt(2)); }

    /** A constant's dims aligned right to the per-image rank: a leading batch 1 dropped, missing leading dims 1. */
    static int[] alignConstant(int[] dims, int rank) {
        int[] d = new int[rank];
        java.util.Arrays.fill(d, 1);
        int skip = Math.max(0, dims.length - rank);
        for (int j = skip; j < dims.length; j++) d[rank - (dims.length - j)] = dims[j];
        return d;
    }

    /** a ∘ b with numpy broadcasting: {@code ad}, {@code bd} and {@code out} are per-image dims of one rank. */
    static double[] binary(Op op, double[] a, int[] ad, double[] b, int[] bd, TensorShape out) {
        int rank = out.rank();
        int[] as = strides(ad), bs = strides(bd);
        double[] y = new double[(int) out.elements()];
        int[] index = new int[rank];
        for (int i = 0; i < y.length; i++) {
            int ai = 0, bi = 0;
            for (int d = 0; d < rank; d++) {
                ai += ad[d] == 1 ? 0 : index[d] * as[d];
                bi += bd[d] == 1 ? 0 : index[d] * bs[d];
            }
            double u = a[ai], v = b[bi];
            y[i] = switch (op) {
                case Op.Add o -> u + v;
                case Op.Sub o -> u - v;
                case Op.Mul o -> u * v;
                default -> throw new IllegalArgumentException(op.type() + " is not a broadcast operator");
            };
            for (int d = rank - 1; d >= 0 && ++index[d] == out.dim(d); d--) index[d] = 0;
        }
        return y;
    }

    private static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int n = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            s[d] = n;
            n *= dims[d];
        }
        return s;
    }

    /** Channel (or feature) blocks one after another: for a C×H×W map, channel planes are contiguous. */
    static double[] concat(List<double[]> parts, int total) {
        double[] y = new double[total];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, y, at, p.length);
            at += p.length;
        }
        return y;
    }

    /** Softmax along per-image dimension {@code dim} (the full tensor's axis dim + 1). */
    static double[] softmax(double[] x, TensorShape s, int dim) {
        int n = s.dim(dim), inner = 1, outer = 1;
        for (int d = dim + 1; d < s.rank(); d++) inner *= s.dim(d);
        for (int d = 0; d < dim; d++) outer *= s.dim(d);
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < n; k++) max = Math.max(max, x[base + k * inner]);
                for (int k = 0; k < n; k++) {
                    y[base + k * inner] = Math.exp(x[base + k * inner] - max);
                    sum += y[base + k * inner];
                }
                for (int k = 0; k < n; k++) y[base + k * inner] /= sum;
            }
        return y;
    }

    /** Kept units × 1/(1 − ratio), dropped ones +0; element e's bit from {@link DropoutMask} (per channel: the channel's). */
    static double[] dropout(double[] x, TensorShape s, Op.Dropout d, long seed, long sample, long imageKey, int maskIndex) {
        int threshold = DropoutMask.dropThreshold(d.ratio());
        double scale = 1.0 / (1.0 - d.ratio());
        int plane = s.plane();
        double[] y = new double[x.length];
        for (int e = 0; e < x.length; e++) {
            long element = d.perChannel() ? e / plane : e;
            y[e] = DropoutMask.keep(seed, sample, imageKey, maskIndex, element, threshold) ? x[e] * scale : 0.0;
        }
        return y;
    }
}
