package dev.mcdrop.backend;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wraps a backend and adds up the wall time of each op (synchronising after every call, so on a
 * GPU the numbers include launch gaps). For {@code mcdrop bench --profile}: where does a pass go?
 * Each op also counts its arithmetic (multiply-adds as 2 FLOPs) and its compulsory memory traffic
 * (every input read once, every output written once, 4 bytes a float; an op that reads or writes
 * more, like im2col + GEMM, shows up as a lower rate), so the report says how close each op runs to
 * the machine's compute or bandwidth roof.
 */
public final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Map<String, double[]> totals = new TreeMap<>(); // op -> {nanos, calls, flops, bytes}

    public ProfilingBackend(Backend inner) { this.inner = inner; }

    private long start() { return System.nanoTime(); }

    private void stop(String op, long t0) { stop(op, t0, 0, 0); }

    /** Ends op {@code op} begun at {@code t0}, which did {@code flops} FLOPs and moved {@code floats} floats. */
    private void stop(String op, long t0, double flops, double floats) {
        inner.synchronize();
        double[] t = totals.computeIfAbsent(op, k -> new double[4]);
        t[0] += System.nanoTime() - t0;
        t[1]++;
        t[2] += flops;
        t[3] += 4 * floats;
    }

    public void reset() { totals.clear(); }

    /** FLOPs counted for {@code op} so far (0 if it never ran). */
    public double flops(String op) { return totals.getOrDefault(op, new double[4])[2]; }

    /** Bytes of compulsory traffic counted for {@code op} so far. */
    public double bytes(String op) { return totals.getOrDefault(op, new double[4])[3]; }

    /** One line per op: total ms, share, calls, and where counted, GFLOP/s and GB/s of compulsory traffic. */
    public String report() {
        double all = 0;
        for (double[] t : totals.values()) all += t[0];
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-18s %9s %6s %8s %9s %8s%n",
                "op", "ms", "share", "calls", "GFLOP/s", "GB/s"));
        for (var e : totals.entrySet()) {
            double[] t = e.getValue();
            double seconds = t[0] / 1e9;
            sb.append(String.format(Locale.ROOT, "  %-18s %9.1f %5.1f%% %8d %9s %8s%n", e.getKey(), t[0] / 1e6,
                    100.0 * t[0] / Math.max(1, all), (long) t[1], rate(t[2], seconds), rate(t[3], seconds)));
        }
        return sb.toString();
    }

    private static String rate(double amount, double seconds) {
        return amount == 0 || seconds <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", amount / seconds / 1e9);
    }

    @Override public String name() { return inner.name(); }

    @Override public String describe() { return inner.describe() + " [profiled]"; }

    @Override public Buffer allocate(long elements) { return inner.allocate(elements); }

    @Override public Buffer allocateKeys(int images) { return inner.allocateKeys(images); }

    @Override public void uploadKeys(int[] src, int count, Buffer keys) {
        long t = start(); inner.uploadKeys(src, count, keys); stop("upload", t, 0, count);
    }

    @Override public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        long t = start(); inner.upload(src, srcOffset, dst, dstOffset, count); stop("upload", t, 0, count);
    }

    @Override public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        long t = start(); PendingDownload d = inner.downloadAsync(src, srcOffset, dst, dstOffset, count); stop("download", t, 0, count); return d;
    }

    @Override public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        long t = start(); inner.download(src, srcOffset, dst, dstOffset, count); stop("download", t, 0, count);
    }

    @Override public void zero(Buffer buffer, long offset, long count) {
        long t = start(); inner.zero(buffer, offset, count); stop("zero", t, 0, count);
    }

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, Buffer b,
                               long bOffset, float beta, Buffer c, long cOffset) {
        long t = start(); inner.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, beta, c, cOffset);
        stop("gemm", t, 2.0 * m * n * k, (double) m * k + (double) k * n + (beta == 0f ? 1.0 : 2.0) * m * n);
    }

    @Override public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        long t = start(); inner.im2col(in, inOffset, g, columns, cols, colsOffset);
        stop("im2col", t, 0, (double) columns * (g.inChannels() * g.inPlane() + (double) g.patchSize() * g.outPlane()));
    }

    @Override public void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                                 Buffer out, long outOffset) {
        long t = start(); inner.conv2d(in, inOffset, g, columns, weight, scratch, out, outOffset);
        double outputs = (double) g.outChannels() * columns * g.outPlane();
        stop("conv2d", t, 2.0 * outputs * g.patchSize(),
                (double) g.inChannels() * columns * g.inPlane() + (double) g.outChannels() * g.patchSize() + outputs);
    }

    @Override public boolean conv2dNeedsScratch() { return inner.conv2dNeedsScratch(); }

    @Override public long conv2dOwnBytesPerColumn(ConvGeometry g) { return inner.conv2dOwnBytesPerColumn(g); }

    @Override public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                                         Activation act, MaskSpec mask) {
        long t = start(); inner.biasActivation(x, xOffset, bias, channels, columns, plane, act, mask);
        stop(mask == null ? "biasActivation" : "biasAct+mask", t, 0, 2.0 * channels * columns * plane);
    }

    @Override public void biasActivationPool(Buffer x, long xOffset, Buffer bias, int channels, int columns, PoolGeometry g,
                                             Activation act, MaskSpec mask, Buffer dst, long dstOffset) {
        long t = start(); inner.biasActivationPool(x, xOffset, bias, channels, columns, g, act, mask, dst, dstOffset);
        stop(mask == null ? "biasAct+pool" : "biasAct+mask+pool", t, 0,
                (double) channels * columns * (g.height() * g.width() + g.outHeight() * g.outWidth()));
    }

    @Override public void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e) {
        long t = start(); inner.epilogue(x, channels, columns, plane, e);
        double elements = (double) channels * columns * plane;
        stop(e.residual() != null ? "epilogue+residual" : e.mask() == null ? "epilogue" : "epilogue+mask", t, 0,
                (e.residual() != null ? 3.0 : 2.0) * elements);
    }

    @Override public void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns,
                                 int plane, Buffer out) {
        long t = start(); inner.binary(op, a, sa, b, sb, channels, columns, plane, out);
        stop(op.name().toLowerCase(java.util.Locale.ROOT), t, (double) channels * columns * plane, 3.0 * channels * columns * plane);
    }

    @Override public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count) {
        long t = start(); inner.copy(src, srcOffset, dst, dstOffset, count);
        stop("copy", t, 0, 2.0 * count);
    }

    @Override public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset, int channels, int columns,
                                        int plane, MaskSpec mask) {
        long t = start(); inner.expandDropout(src, srcOffset, dst, dstOffset, channels, columns, plane, mask);
        stop("expandDropout", t, 0, (double) channels * plane * (mask.pairs().batchImages() + (double) columns));
    }

    @Override public void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                            MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        long t = start(); inner.expandDropoutPool(src, srcOffset, channels, columns, g, mask, via, dst, dstOffset);
        stop("expandDropout+pool", t, 0, (double) channels * (mask.pairs().batchImages() * (double) g.height() * g.width()
                + (double) columns * g.outHeight() * g.outWidth()));
    }

    @Override public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        long t = start(); inner.pool(in, inOffset, g, planes, out, outOffset);
        stop("pool", t, 0, (double) planes * (g.height() * g.width() + g.outHeight() * g.outWidth()));
    }

    @Override public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        long t = start(); inner.flatten(in, inOffset, channels, columns, plane, out, outOffset);
        stop("flatten", t, 0, 2.0 * channels * columns * plane);
    }

    @Override public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        long t = start(); inner.softmax(in, inOffset, classes, columns, out, outOffset); stop("softmax", t, 0, 2.0 * classes * columns);
    }

    @Override public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        long t = start(); inner.mcAccumulate(logits, logitsOffset, classes, columns, pairs, acc);
        stop("mcAccumulate", t, 0, (double) classes * columns + 2.0 * pairs.batchImages() * McAccumulators.width(classes));
    }

    @Override public long suggestedWorkspaceBytes() { return inner.suggestedWorkspaceBytes(); }

    @Override public java.util.OptionalDouble peakFlopsPerSecond() { return inner.peakFlopsPerSecond(); }

    @Override public void synchronize() { inner.synchronize(); }

    @Override public void close() { inner.close(); }
}
