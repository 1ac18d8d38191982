package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PendingDownload;
import dev.mcdrop.backend.PoolGeometry;
import java.util.Arrays;

/**
 * A backend that behaves like an asynchronous GPU at the host boundary, to test the pipelined
 * predictor on a CPU: {@link #downloadAsync} snapshots the data (as a stream-ordered copy would)
 * but fills the destination with NaN and writes the real values only in {@code await()}. A caller
 * that reads a result before awaiting it, or lets two batches share one host array, gets NaN or
 * the other batch's numbers.
 */
final class LateDownloadBackend implements Backend {
    private final Backend inner;
    int pendingAtMost, pending;

    LateDownloadBackend(Backend inner) { this.inner = inner; }

    @Override
    public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        float[] snapshot = new float[count];
        inner.download(src, srcOffset, snapshot, 0, count);
        Arrays.fill(dst, dstOffset, dstOffset + count, Float.NaN);
        pendingAtMost = Math.max(pendingAtMost, ++pending);
        boolean[] done = {false};
        return () -> {
            if (done[0]) return;
            done[0] = true;
            pending--;
            System.arraycopy(snapshot, 0, dst, dstOffset, count);
        };
    }

    @Override public String name() { return inner.name(); }
    @Override public String describe() { return inner.describe() + " [late downloads]"; }
    @Override public Buffer allocate(long elements) { return inner.allocate(elements); }
    @Override public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        inner.upload(src, srcOffset, dst, dstOffset, count);
    }
    @Override public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        inner.download(src, srcOffset, dst, dstOffset, count);
    }
    @Override public void zero(Buffer buffer, long offset, long count) { inner.zero(buffer, offset, count); }
    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, Buffer b,
                               long bOffset, float beta, Buffer c, long cOffset) {
        inner.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, beta, c, cOffset);
    }
    @Override public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        inner.im2col(in, inOffset, g, columns, cols, colsOffset);
    }
    @Override public void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                                 Buffer out, long outOffset) {
        inner.conv2d(in, inOffset, g, columns, weight, scratch, out, outOffset);
    }
    @Override public boolean conv2dNeedsScratch() { return inner.conv2dNeedsScratch(); }
    @Override public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                                         Activation act, MaskSpec mask) {
        inner.biasActivation(x, xOffset, bias, channels, columns, plane, act, mask);
    }
    @Override public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset, int channels, int columns,
                                        int plane, MaskSpec mask) {
        inner.expandDropout(src, srcOffset, dst, dstOffset, channels, columns, plane, mask);
    }
    @Override public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        inner.pool(in, inOffset, g, planes, out, outOffset);
    }
    @Override public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        inner.flatten(in, inOffset, channels, columns, plane, out, outOffset);
    }
    @Override public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        inner.softmax(in, inOffset, classes, columns, out, outOffset);
    }
    @Override public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        inner.mcAccumulate(logits, logitsOffset, classes, columns, pairs, acc);
    }
    @Override public long suggestedWorkspaceBytes() { return inner.suggestedWorkspaceBytes(); }
    @Override public void close() { inner.close(); }
}
