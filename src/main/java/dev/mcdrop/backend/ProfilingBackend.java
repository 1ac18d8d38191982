package dev.mcdrop.backend;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wraps a backend and adds up the wall time of each op (synchronising after every call, so on a
 * GPU the numbers include launch gaps). For {@code mcdrop bench --profile}: where does a pass go?
 */
public final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Map<String, long[]> totals = new TreeMap<>(); // op -> {nanos, calls}

    public ProfilingBackend(Backend inner) { this.inner = inner; }

    private long start() { return System.nanoTime(); }

    private void stop(String op, long t0) {
        inner.synchronize();
        long[] t = totals.computeIfAbsent(op, k -> new long[2]);
        t[0] += System.nanoTime() - t0;
        t[1]++;
    }

    public void reset() { totals.clear(); }

    /** One line per op: total ms, share, calls. */
    public String report() {
        long all = 0;
        for (long[] t : totals.values()) all += t[0];
        StringBuilder sb = new StringBuilder();
        for (var e : totals.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %9.1f ms %5.1f%% %8d calls%n", e.getKey(), e.getValue()[0] / 1e6,
                    100.0 * e.getValue()[0] / Math.max(1, all), e.getValue()[1]));
        }
        return sb.toString();
    }

    @Override public String name() { return inner.name(); }

    @Override public String describe() { return inner.describe() + " [profiled]"; }

    @Override public Buffer allocate(long elements) { return inner.allocate(elements); }

    @Override public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        long t = start(); inner.upload(src, srcOffset, dst, dstOffset, count); stop("upload", t);
    }

    @Override public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        long t = start(); PendingDownload d = inner.downloadAsync(src, srcOffset, dst, dstOffset, count); stop("download", t); return d;
    }

    @Override public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        long t = start(); inner.download(src, srcOffset, dst, dstOffset, count); stop("download", t);
    }

    @Override public void zero(Buffer buffer, long offset, long count) {
        long t = start(); inner.zero(buffer, offset, count); stop("zero", t);
    }

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, Buffer b,
                               long bOffset, float beta, Buffer c, long cOffset) {
        long t = start(); inner.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, beta, c, cOffset); stop("gemm", t);
    }

    @Override public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        long t = start(); inner.im2col(in, inOffset, g, columns, cols, colsOffset); stop("im2col", t);
    }

    @Override public void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                                 Buffer out, long outOffset) {
        long t = start(); inner.conv2d(in, inOffset, g, columns, weight, scratch, out, outOffset); stop("conv2d", t);
    }

    @Override public boolean conv2dNeedsScratch() { return inner.conv2dNeedsScratch(); }

    @Override public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                                         Activation act, MaskSpec mask) {
        long t = start(); inner.biasActivation(x, xOffset, bias, channels, columns, plane, act, mask);
        stop(mask == null ? "biasActivation" : "biasAct+mask", t);
    }

    @Override public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset, int channels, int columns,
                                        int plane, MaskSpec mask) {
        long t = start(); inner.expandDropout(src, srcOffset, dst, dstOffset, channels, columns, plane, mask); stop("expandDropout", t);
    }

    @Override public void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                            MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        long t = start(); inner.expandDropoutPool(src, srcOffset, channels, columns, g, mask, via, dst, dstOffset);
        stop("expandDropout+pool", t);
    }

    @Override public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        long t = start(); inner.pool(in, inOffset, g, planes, out, outOffset); stop("pool", t);
    }

    @Override public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        long t = start(); inner.flatten(in, inOffset, channels, columns, plane, out, outOffset); stop("flatten", t);
    }

    @Override public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        long t = start(); inner.softmax(in, inOffset, classes, columns, out, outOffset); stop("softmax", t);
    }

    @Override public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        long t = start(); inner.mcAccumulate(logits, logitsOffset, classes, columns, pairs, acc); stop("mcAccumulate", t);
    }

    @Override public long suggestedWorkspaceBytes() { return inner.suggestedWorkspaceBytes(); }

    @Override public java.util.OptionalDouble peakFlopsPerSecond() { return inner.peakFlopsPerSecond(); }

    @Override public void synchronize() { inner.synchronize(); }

    @Override public void close() { inner.close(); }
}
