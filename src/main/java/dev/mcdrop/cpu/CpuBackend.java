package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.HostKeys;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;

import java.util.Arrays;

/**
 * The multi-threaded float32 CPU backend: buffers are plain float[] ({@link CpuBuffer}), GEMM is
 * the packed, vectorised {@link Sgemm}, and the other ops are split over a fixed
 * {@link WorkerPool} by rows, planes or images — never in a way that changes a result bit, so
 * outputs do not depend on the thread count. Ops run synchronously on the calling thread plus
 * the pool; one op at a time.
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;
    private final Sgemm sgemm;
    private final ConvOps conv;
    private final DropoutOps dropout;
    private final McOps mc;
    private final EpilogueOps epilogues;
    private final ElementwiseOps elementwise;
    private final DepthwiseConv depthwise;

    /** One worker per available processor. */
    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    public CpuBackend(int threads) {
        pool = new WorkerPool(threads);
        sgemm = new Sgemm(pool);
        conv = new ConvOps(pool);
        dropout = new DropoutOps(pool);
        mc = new McOps(pool);
        epilogues = new EpilogueOps(pool);
        elementwise = new ElementwiseOps(pool);
        depthwise = new DepthwiseConv(pool);
    }

    public int threads() { return pool.size(); }

    private static float[] f(Buffer b) { return ((CpuBuffer) b).array(); }

    private static int i(long offset) { return Math.toIntExact(offset); }

    @Override public String name() { return "cpu"; }

    @Override
    public String describe() {
        return "cpu (float32, " + pool.size() + " threads, " + SgemmKernel.SPECIES + ", sgemm tile "
                + SgemmKernel.MR + "x" + SgemmKernel.NR + ")";
    }

    @Override public CpuBuffer allocate(long elements) { return new CpuBuffer(elements); }

    @Override
    public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        System.arraycopy(src, srcOffset, f(dst), i(dstOffset), count);
    }

    @Override
    public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        System.arraycopy(f(src), i(srcOffset), dst, dstOffset, count);
    }

    @Override public HostKeys allocateKeys(int images) { return new HostKeys(images); }

    @Override
    public void uploadKeys(int[] src, int count, Buffer keys) { ((HostKeys) keys).set(src, count); }

    @Override
    public void zero(Buffer buffer, long offset, long count) {
        Arrays.fill(f(buffer), i(offset), i(offset + count), 0f);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     Buffer a, long aOffset, Buffer b, long bOffset, float beta, Buffer c, long cOffset) {
        sgemm.gemm(transA, transB, m, n, k, f(a), i(aOffset), f(b), i(bOffset), beta, f(c), i(cOffset));
    }

    @Override
    public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        conv.im2col(f(in), i(inOffset), g, columns, f(cols), i(colsOffset));
    }

    private final ThreadLocal<Im2colPanels> panels = ThreadLocal.withInitial(Im2colPanels::new);

    /**
     * A pointwise convolution (1×1, stride 1, unpadded, one group) is a plain GEMM on the input as
     * it lies; a depthwise one runs the direct {@link DepthwiseConv}; any other is an implicit
     * GEMM per group, the group's im2col matrix packed panel by panel, never stored
     * ({@code scratch} unused). The pointwise GEMM packs the same values the panels would: same bits.
     */
    @Override
    public void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                       Buffer out, long outOffset) {
        int n = Math.multiplyExact(columns, g.outPlane());
        if (g.isPointwise()) {
            sgemm.gemm(false, false, g.outChannels(), n, g.inChannels(), f(weight), 0, f(in), i(inOffset), 0f, f(out), i(outOffset));
            return;
        }
        if (g.isDepthwise()) {
            depthwise.conv(f(in), i(inOffset), g, columns, f(weight), 0, f(out), i(outOffset));
            return;
        }
        int inGroup = Math.multiplyExact(g.groupInChannels() * columns, g.inPlane());
        int outGroup = Math.multiplyExact(g.groupOutChannels(), n), weightGroup = g.groupOutChannels() * g.patchSize();
        Im2colPanels source = panels.get();
        try {
            for (int group = 0; group < g.groups(); group++) {
                source.reset(f(in), i(inOffset) + group * inGroup, g, columns);
                sgemm.gemm(g.groupOutChannels(), n, g.patchSize(), f(weight), group * weightGroup, source, 0f,
                        f(out), i(outOffset) + group * outGroup);
            }
        } finally {
            source.release();
        }
    }

    @Override
    public boolean conv2dNeedsScratch() { return false; }

    /**
     * {@link Im2colPanels}' three int tables per output position of every column (grow-only, per
     * thread); none for the pointwise GEMM or the depthwise kernel (whose scratch is one padded
     * plane per worker, whatever the columns).
     */
    @Override
    public long conv2dOwnBytesPerColumn(ConvGeometry g) {
        return g.isPointwise() || g.isDepthwise() ? 0 : 3L * Integer.BYTES * g.outPlane();
    }

    private static boolean fusedActivation(Activation act) { return act == Activation.IDENTITY || act == Activation.RELU; }

    /** ReLU and identity run the fused dropout kernels; other activations the general {@link #epilogue}. */
    @Override
    public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                               Activation act, MaskSpec mask) {
        if (!fusedActivation(act)) {
            epilogues.apply(f(x), i(xOffset), channels, columns, plane, null, f(bias), null, act, mask);
            return;
        }
        dropout.biasActivation(f(x), i(xOffset), f(bias), 0, channels, columns, plane, act, mask);
    }

    @Override
    public void biasActivationPool(Buffer x, long xOffset, Buffer bias, int channels, int columns, PoolGeometry g,
                                   Activation act, MaskSpec mask, Buffer dst, long dstOffset) {
        if (!fusedActivation(act)) {
            Backend.super.biasActivationPool(x, xOffset, bias, channels, columns, g, act, mask, dst, dstOffset);
            return;
        }
        dropout.biasActivationPool(f(x), i(xOffset), f(bias), 0, channels, columns, g, act, mask, f(dst), i(dstOffset));
    }

    @Override
    public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset,
                              int channels, int columns, int plane, MaskSpec mask) {
        dropout.expandDropout(f(src), i(srcOffset), f(dst), i(dstOffset), channels, columns, plane, mask);
    }

    @Override
    public void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                  MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        dropout.expandDropoutPool(f(src), i(srcOffset), channels, columns, g, mask, f(dst), i(dstOffset));
    }

    @Override
    public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        conv.pool(f(in), i(inOffset), g, planes, f(out), i(outOffset));
    }

    @Override
    public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        conv.flatten(f(in), i(inOffset), channels, columns, plane, f(out), i(outOffset));
    }

    @Override
    public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        mc.softmax(f(in), i(inOffset), classes, columns, f(out), i(outOffset));
    }

    @Override
    public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        mc.mcAccumulate(f(logits), i(logitsOffset), classes, columns, pairs, f(acc), 0);
    }

    @Override
    public void close() { pool.close(); }

    /**
     * With neither scale nor residual and a ReLU or identity, exactly {@link #biasActivation} (its
     * fused kernels, so the same bits); otherwise {@link EpilogueOps}.
     */
    @Override
    public void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e) {
        if (e.scale() == null && e.residual() == null && e.bias() != null && fusedActivation(e.act())) {
            dropout.biasActivation(f(x), 0, f(e.bias()), 0, channels, columns, plane, e.act(), e.mask());
            return;
        }
        epilogues.apply(f(x), 0, channels, columns, plane, e.scale() == null ? null : f(e.scale()),
                e.bias() == null ? null : f(e.bias()), e.residual() == null ? null : f(e.residual()), e.act(), e.mask());
    }

    @Override
    public void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns, int plane, Buffer out) {
        elementwise.binary(op, f(a), sa, f(b), sb, channels, columns, plane, f(out));
    }

    @Override
    public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count) {
        elementwise.copy(f(src), i(srcOffset), f(dst), i(dstOffset), Math.toIntExact(count));
    }
}
