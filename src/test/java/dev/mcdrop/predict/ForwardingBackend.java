package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PendingDownload;
import dev.mcdrop.backend.PoolGeometry;

/** Test double base: every op, the fused ones included, goes to {@code inner}; subclasses override what they watch or change. */
abstract class ForwardingBackend implements Backend {
    protected final Backend inner;

    ForwardingBackend(Backend inner) { this.inner = inner; }

    @Override public String name() { return inner.name(); }
    @Override public String describe() { return inner.describe(); }
    @Override public Buffer allocate(long elements) { return inner.allocate(elements); }
    @Override public Buffer allocateKeys(int images) { return inner.allocateKeys(images); }
    @Override public void uploadKeys(int[] src, int count, Buffer keys) { inner.uploadKeys(src, count, keys); }
    @Override public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        inner.upload(src, srcOffset, dst, dstOffset, count);
    }
    @Override public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        inner.download(src, srcOffset, dst, dstOffset, count);
    }
    @Override public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        return inner.downloadAsync(src, srcOffset, dst, dstOffset, count);
    }
    @Override public void zero(Buffer buffer, long offset, long count) { inner.zero(buffer, offset, count); }
    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, Buffer b,
                               long bOffset, float beta, Buffer c, long cOffset) {
        inner.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, beta, c, cOffset);
    }
    @Override public void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e) {
        inner.epilogue(x, channels, columns, plane, e);
    }
    @Override public void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns,
                                 int plane, Buffer out) {
        inner.binary(op, a, sa, b, sb, channels, columns, plane, out);
    }
    @Override public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count) {
        inner.copy(src, srcOffset, dst, dstOffset, count);
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
    @Override public void biasActivationPool(Buffer x, long xOffset, Buffer bias, int channels, int columns, PoolGeometry g,
                                             Activation act, MaskSpec mask, Buffer dst, long dstOffset) {
        inner.biasActivationPool(x, xOffset, bias, channels, columns, g, act, mask, dst, dstOffset);
    }
    @Override public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset, int channels, int columns,
                                        int plane, MaskSpec mask) {
        inner.expandDropout(src, srcOffset, dst, dstOffset, channels, columns, plane, mask);
    }
    @Override public void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                            MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        inner.expandDropoutPool(src, srcOffset, channels, columns, g, mask, via, dst, dstOffset);
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
    @Override public java.util.OptionalDouble peakFlopsPerSecond() { return inner.peakFlopsPerSecond(); }
    @Override public void synchronize() { inner.synchronize(); }
    @Override public void close() { inner.close(); }
}
