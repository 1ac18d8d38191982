package dev.mcdrop.onnx;

import java.util.Arrays;
import java.util.List;

/**
 * A few ONNX operators in plain float64 loops, written from the ONNX operator specification, to
 * recompute the bundled test cases' expected outputs from what the reader read: if a value, a
 * dimension or an attribute (pads, strides, group, epsilon, …) were read wrong, the recomputed
 * output would not match ONNX's stored one. Not mcdrop's engine (dev.mcdrop.graph), and only
 * the attribute combinations the bundled cases use (2-D, NCHW, no auto_pad, no ceil_mode).
 */
final class ReferenceOps {
    private ReferenceOps() {}

    /** A dense tensor in float64. */
    record T(long[] dims, double[] v) {
        int d(int i) {
            return (int) dims[i];
        }

        static T of(OnnxTensor t) throws OnnxFormatException {
            double[] v = switch (t.dataType()) {
                case FLOAT, FLOAT16, BFLOAT16, DOUBLE -> t.doubles();
                default -> Arrays.stream(t.longs()).asDoubleStream().toArray();
            };
            return new T(t.dims(), v);
        }
    }

    /** The first output of {@code node} on {@code in} (its inputs, in order; absent optional inputs as null). */
    static T run(OnnxNode node, List<T> in) throws OnnxFormatException {
        return switch (node.opType()) {
            case "Relu" -> map(in.get(0), x -> Math.max(x, 0));
            case "Dropout" -> in.get(0); // inference: identity
            case "Constant" -> T.of(node.getTensor("value"));
            case "Conv" -> conv(node, in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null);
            case "MaxPool" -> maxPool(node, in.get(0));
            case "GlobalAveragePool" -> globalAveragePool(in.get(0));
            case "BatchNormalization" -> batchNorm(node, in);
            case "Gemm" -> gemm(node, in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null);
            default -> throw new IllegalArgumentException("no reference for " + node.opType());
        };
    }

    private static T map(T x, java.util.function.DoubleUnaryOperator f) {
        return new T(x.dims(), Arrays.stream(x.v()).map(f).toArray());
    }

    private static T conv(OnnxNode n, T x, T w, T b) throws OnnxFormatException {
        int batch = x.d(0), c = x.d(1), h = x.d(2), wd = x.d(3), m = w.d(0), kh = w.d(2), kw = w.d(3);
        int group = (int) n.getInt("group", 1);
        long[] k = n.getInts("kernel_shape", new long[] {kh, kw});
        if (k[0] != kh || k[1] != kw) throw new AssertionError("kernel_shape " + Arrays.toString(k) + " vs weight " + Arrays.toString(w.dims()));
        long[] pads = n.getInts("pads", new long[4]), strides = n.getInts("strides", new long[] {1, 1});
        long[] dil = n.getInts("dilations", new long[] {1, 1});
        int oh = (int) ((h + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) / strides[0] + 1);
        int ow = (int) ((wd + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) / strides[1] + 1);
        int cg = c / group, mg = m / group;
        double[] out = new double[batch * m * oh * ow];
        for (int bi = 0; bi < batch; bi++)
            for (int oc = 0; oc < m; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++) {
                        double s = b == null ? 0 : b.v()[oc];
                        int g = oc / mg;
                        for (int ic = 0; ic < cg; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    long iy = y * strides[0] - pads[0] + i * dil[0], ix = xo * strides[1] - pads[1] + j * dil[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += x.v()[(int) (((bi * c + g * cg + ic) * (long) h + iy) * wd + ix)] * w.v()[((oc * cg + ic) * kh + i) * kw + j];
                                }
                        out[((bi * m + oc) * oh + y) * ow + xo] = s;
                    }
        return new T(new long[] {batch, m, oh, ow}, out);
    }

    private static T maxPool(OnnxNode n, T x) throws OnnxFormatException {
        int batch = x.d(0), c = x.d(1), h = x.d(2), w = x.d(3);
        long[] k = n.getInts("kernel_shape"), pads = n.getInts("pads", new long[4]), strides = n.getInts("strides", new long[] {1, 1});
        int oh = (int) ((h + pads[0] + pads[2] - k[0]) / strides[0] + 1), ow = (int) ((w + pads[1] + pads[3] - k[1]) / strides[1] + 1);
        double[] out = new double[batch * c * oh * ow];
        for (int p = 0; p < batch * c; p++)
            for (int y = 0; y < oh; y++)
                for (int xo = 0; xo < ow; xo++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < k[0]; i++)
                        for (int j = 0; j < k[1]; j++) {
                            long iy = y * strides[0] - pads[0] + i, ix = xo * strides[1] - pads[1] + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) best = Math.max(best, x.v()[(int) ((p * (long) h + iy) * w + ix)]);
                        }
                    out[(p * oh + y) * ow + xo] = best;
                }
        return new T(new long[] {batch, c, oh, ow}, out);
    }

    private static T globalAveragePool(T x) {
        int planes = x.d(0) * x.d(1), area = x.d(2) * x.d(3);
        double[] out = new double[planes];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < area; i++) out[p] += x.v()[p * area + i];
            out[p] /= area;
        }
        return new T(new long[] {x.dims()[0], x.dims()[1], 1, 1}, out);
    }

    private static T batchNorm(OnnxNode n, List<T> in) throws OnnxFormatException {
        T x = in.get(0), scale = in.get(1), bias = in.get(2), mean = in.get(3), var = in.get(4);
        double eps = n.getFloat("epsilon", 1e-5f);
        int c = x.d(1), area = x.v().length / (x.d(0) * c);
        double[] out = new double[x.v().length];
        for (int i = 0; i < out.length; i++) {
            int ch = (i / area) % c;
            out[i] = scale.v()[ch] * (x.v()[i] - mean.v()[ch]) / Math.sqrt(var.v()[ch] + eps) + bias.v()[ch];
        }
        return new T(x.dims(), out);
    }

    private static T gemm(OnnxNode n, T a, T b, T c) throws OnnxFormatException {
        boolean ta = n.getInt("transA", 0) != 0, tb = n.getInt("transB", 0) != 0;
        double alpha = n.getFloat("alpha", 1f), beta = n.getFloat("beta", 1f);
        int rows = ta ? a.d(1) : a.d(0), inner = ta ? a.d(0) : a.d(1), cols = tb ? b.d(0) : b.d(1);
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) s += (ta ? a.v()[k * rows + i] : a.v()[i * inner + k]) * (tb ? b.v()[j * inner + k] : b.v()[k * cols + j]);
                double cv = c == null ? 0 : c.v().length == 1 ? c.v()[0] : c.v().length == cols ? c.v()[j] : c.v()[i * cols + j];
                out[i * cols + j] = alpha * s + beta * cv;
            }
        return new T(new long[] {rows, cols}, out);
    }
}
