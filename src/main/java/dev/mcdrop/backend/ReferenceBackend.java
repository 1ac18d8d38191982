package dev.mcdrop.backend;

/**
 * The control: every op as the plainest loop over its definition in {@link Backend}, computed in
 * float64 and stored in float64. Slow on purpose; tests compare the fast backends against it.
 */
public final class ReferenceBackend implements Backend {

    /** float64 storage. */
    static final class DoubleBuffer implements Buffer {
        final double[] data;

        DoubleBuffer(long size) {
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("reference buffer too large: " + size);
            }
            data = new double[(int) size];
        }

        @Override public long size() { return data.length; }

        @Override public void close() {}
    }

    private static double[] d(Buffer b) { return ((DoubleBuffer) b).data; }

    @Override public String name() { return "reference"; }

    @Override public String describe() { return "reference (float64, single thread)"; }

    @Override public Buffer allocate(long elements) { return new DoubleBuffer(elements); }

    @Override
    public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        double[] out = d(dst);
        for (int i = 0; i < count; i++) out[(int) dstOffset + i] = src[srcOffset + i];
    }

    @Override
    public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        double[] in = d(src);
        for (int i = 0; i < count; i++) dst[dstOffset + i] = (float) in[(int) srcOffset + i];
    }

    /** float64 view for tests that want the reference's full precision. */
    public double[] doubles(Buffer buffer) { return d(buffer); }

    @Override public HostKeys allocateKeys(int images) { return new HostKeys(images); }

    @Override
    public void uploadKeys(int[] src, int count, Buffer keys) { ((HostKeys) keys).set(src, count); }

    @Override
    public void zero(Buffer buffer, long offset, long count) {
        java.util.Arrays.fill(d(buffer), (int) offset, (int) (offset + count), 0.0);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     Buffer a, long aOffset, Buffer b, long bOffset, float beta, Buffer c, long cOffset) {
        double[] A = d(a), B = d(b), C = d(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? A[(int) aOffset + p * m + i] : A[(int) aOffset + i * k + p];
                    double bv = transB ? B[(int) bOffset + j * k + p] : B[(int) bOffset + p * n + j];
                    s += av * bv;
                }
                int ci = (int) cOffset + i * n + j;
                C[ci] = s + (beta == 0f ? 0.0 : beta * C[ci]);
            }
        }
    }

    @Override
    public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        double[] x = d(in), out = d(cols);
        Window w = g.window();
        int oh = g.outHeight(), ow = g.outWidth(), rowLength = columns * oh * ow;
        for (int ci = 0; ci < g.groupInChannels(); ci++)
            for (int ky = 0; ky < g.kernelHeight(); ky++)
                for (int kx = 0; kx < g.kernelWidth(); kx++) {
                    int row = (ci * g.kernelHeight() + ky) * g.kernelWidth() + kx;
                    for (int n = 0; n < columns; n++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++) {
                                int y = oy * w.strideHeight() - w.padTop() + ky * w.dilationHeight();
                                int xx = ox * w.strideWidth() - w.padLeft() + kx * w.dilationWidth();
                                double v = 0;
                                if (y >= 0 && y < g.inHeight() && xx >= 0 && xx < g.inWidth()) {
                                    v = x[(int) inOffset + ((ci * columns + n) * g.inHeight() + y) * g.inWidth() + xx];
                                }
                                out[(int) colsOffset + row * rowLength + (n * oh + oy) * ow + ox] = v;
                            }
                }
    }

    @Override
    public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                               Activation act, MaskSpec mask) {
        double[] v = d(x), bs = d(bias);
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++) {
                    int idx = (int) xOffset + (c * columns + n) * plane + i;
                    double y = act.apply(v[idx] + bs[c]);
                    if (mask != null) y = mask.keep(n, c, (long) c * plane + i) ? y * (1.0 / (1.0 - mask.p())) : 0.0;
                    v[idx] = y;
                }
    }

    @Override
    public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset,
                              int channels, int columns, int plane, MaskSpec mask) {
        double[] s = d(src), t = d(dst);
        int images = mask.pairs().batchImages();
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++) {
                int b = mask.pairs().batchIndexOf(n);
                for (int i = 0; i < plane; i++) {
                    double v = s[(int) srcOffset + (c * images + b) * plane + i];
                    t[(int) dstOffset + (c * columns + n) * plane + i] =
                            mask.keep(n, c, (long) c * plane + i) ? v * (1.0 / (1.0 - mask.p())) : 0.0;
                }
            }
    }

    @Override
    public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        double[] x = d(in), y = d(out);
        Window w = g.window();
        int oh = g.outHeight(), ow = g.outWidth();
        boolean max = g.kind() == PoolGeometry.PoolKind.MAX;
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
                    int taps = 0, padded = 0;
                    for (int ky = 0; ky < w.kernelHeight(); ky++)
                        for (int kx = 0; kx < w.kernelWidth(); kx++) {
                            int iy = oy * w.strideHeight() - w.padTop() + ky * w.dilationHeight();
                            int ix = ox * w.strideWidth() - w.padLeft() + kx * w.dilationWidth();
                            boolean inPadding = iy >= -w.padTop() && iy < g.height() + w.padBottom()
                                    && ix >= -w.padLeft() && ix < g.width() + w.padRight();
                            if (iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width()) {
                                if (inPadding) padded++; // explicit padding; the ceil-mode overhang counts nowhere
                                continue;
                            }
                            double v = x[(int) inOffset + (p * g.height() + iy) * g.width() + ix];
                            acc = max ? Math.max(acc, v) : acc + v;
                            taps++;
                        }
                    if (!max) acc /= g.countIncludePad() ? taps + padded : taps;
                    y[(int) outOffset + (p * oh + oy) * ow + ox] = acc;
                }
    }

    @Override
    public void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e) {
        double[] v = d(x);
        double[] scale = e.scale() == null ? null : d(e.scale()), bias = e.bias() == null ? null : d(e.bias());
        double[] residual = e.residual() == null ? null : d(e.residual());
        MaskSpec mask = e.mask();
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++) {
                    int idx = (c * columns + n) * plane + i;
                    double y = v[idx];
                    if (scale != null) y *= scale[c];
                    if (bias != null) y += bias[c];
                    if (residual != null) y += residual[idx];
                    y = e.act().apply(y);
                    if (mask != null) y = mask.keep(n, c, (long) c * plane + i) ? y * (1.0 / (1.0 - mask.p())) : 0.0;
                    v[idx] = y;
                }
    }

    @Override
    public void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns, int plane, Buffer out) {
        double[] x = d(a), y = d(b), z = d(out);
        // Read both operands whole before writing: out may be a or b.
        double[] result = new double[Math.multiplyExact(Math.multiplyExact(channels, columns), plane)];
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++) {
                    result[(c * columns + n) * plane + i] = op.apply(x[(int) sa.index(c, n, i)], y[(int) sb.index(c, n, i)]);
                }
        System.arraycopy(result, 0, z, 0, result.length);
    }

    @Override
    public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count) {
        System.arraycopy(d(src), (int) srcOffset, d(dst), (int) dstOffset, (int) count);
    }

    @Override
    public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        double[] x = d(in), y = d(out);
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++)
                    y[(int) outOffset + (c * plane + i) * columns + n] = x[(int) inOffset + (c * columns + n) * plane + i];
    }

    @Override
    public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        double[] x = d(in), y = d(out);
        double[] p = new double[classes];
        for (int n = 0; n < columns; n++) {
            softmaxColumn(x, (int) inOffset, classes, columns, n, p);
            for (int k = 0; k < classes; k++) y[(int) outOffset + k * columns + n] = p[k];
        }
    }

    private static void softmaxColumn(double[] x, int offset, int classes, int columns, int n, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) max = Math.max(max, x[offset + k * columns + n]);
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            p[k] = Math.exp(x[offset + k * columns + n] - max);
            sum += p[k];
        }
        for (int k = 0; k < classes; k++) p[k] /= sum;
    }

    @Override
    public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        double[] x = d(logits), a = d(acc);
        double[] p = new double[classes];
        int width = McAccumulators.width(classes);
        for (int n = 0; n < columns; n++) {
            softmaxColumn(x, (int) logitsOffset, classes, columns, n, p);
            int row = pairs.batchIndexOf(n) * width;
            double count = pairs.sampleOf(n) + 1;
            int best = 0;
            double entropy = 0;
            for (int k = 0; k < classes; k++) {
                int mean = row + McAccumulators.meanOffset(classes) + k;
                a[row + McAccumulators.sumOffset(classes) + k] += p[k];
                double delta = p[k] - a[mean];
                a[mean] += delta / count;
                a[row + McAccumulators.m2Offset(classes) + k] += delta * (p[k] - a[mean]);
                if (p[k] > p[best]) best = k;
                if (p[k] > 0) entropy -= p[k] * Math.log(p[k]);
            }
            a[row + McAccumulators.votesOffset(classes) + best] += 1;
            a[row + McAccumulators.entropyOffset(classes)] += entropy;
        }
    }

    @Override public void close() {}
}
