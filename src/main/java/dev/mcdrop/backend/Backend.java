package dev.mcdrop.backend;

/**
 * The narrow set of tensor ops a Bayesian CNN needs, implemented three times: a float64
 * {@link dev.mcdrop.backend.ReferenceBackend} (the control in tests), the multi-threaded
 * {@link dev.mcdrop.cpu.CpuBackend}, and {@link dev.mcdrop.cuda.CudaBackend}. Model code only
 * calls this interface; it never asks which backend it has.
 *
 * <h2>Layout</h2>
 * Activations are "CNHW": {@code [channels][columns][height][width]}, where a column is one image
 * (deterministic layers) or one (sample, image) pair of the enlarged MC batch. With this layout a
 * convolution over a whole chunk is one GEMM, {@code out[Cout][N·OH·OW] = W[Cout][K] ·
 * cols[K][N·OH·OW]}, and a dense layer is {@code out[Dout][N] = W[Dout][Din] · x[Din][N]}.
 * All matrices are row-major and densely packed; offsets are in elements.
 *
 * <h2>Rules</h2>
 * Ops may run asynchronously; {@link #download} waits for everything before it. No op allocates.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs: "reference", "cpu", "cuda". */
    String name();

    /** Human-readable details (device, threads, library versions). */
    String describe();

    Buffer allocate(long elements);

    /**
     * Copies {@code count} floats to the device, ordered after every op issued before and before
     * every op issued after. {@code src} may be reused as soon as this returns (the GPU stages
     * it in pinned memory and copies asynchronously).
     */
    void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count);

    /** Copies to the host, after all previously issued ops finished. */
    void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count);

    /**
     * Starts a copy to the host, ordered after all previously issued ops, and returns at once
     * where the backend computes asynchronously; {@code dst} holds the data when the returned
     * {@link PendingDownload#await} returns, and may be written at any moment before that. The
     * default downloads synchronously.
     */
    default PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        download(src, srcOffset, dst, dstOffset, count);
        return PendingDownload.DONE;
    }

    /**
     * A table of {@code images} mask keys: 32-bit words, one per image of a batch, that
     * {@link MaskSpec#imageKeys()} hands to the dropout ops (not floats: only {@link #uploadKeys}
     * writes it). Allocated once per plan, like every buffer.
     */
    Buffer allocateKeys(int images);

    /** {@code keys[0 .. count) = src[0 .. count)}, ordered like {@link #upload}; {@code src} may be reused at once. */
    void uploadKeys(int[] src, int count, Buffer keys);

    /** Sets {@code count} elements to zero. */
    void zero(Buffer buffer, long offset, long count);

    /**
     * Row-major {@code C[m×n] = A[m×k] · B[k×n] + beta·C}; {@code transA} means A is stored
     * k×m, {@code transB} that B is stored n×k. Matrices are dense (leading dimension = stored
     * row length).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              Buffer a, long aOffset, Buffer b, long bOffset, float beta, Buffer c, long cOffset);

    /**
     * Unfolds one group's channels, {@code in[Cg][columns][H][W]} with {@code Cg = g.groupInChannels()}
     * (all of them when {@code g.groups() == 1}), into {@code cols[g.patchSize()][columns·OH·OW]}: row
     * (ci, ky, kx), column (n, oy, ox) holds {@code in[ci][n][oy·sh − top + ky·dh][ox·sw − left + kx·dw]}
     * (the window's strides, pads and dilations), or 0 outside the image.
     */
    void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset);

    /**
     * Convolution without bias, group by group: {@code out[group's Cout rows][columns·OH·OW] =
     * weight[group's rows][K] · cols}, cols being {@link #im2col} of the group's input channels,
     * K = {@code g.patchSize()}. The default materialises each group's cols in {@code scratch}
     * (≥ K·columns·OH·OW elements); a backend may form them on the fly instead (the CPU packs the
     * GEMM's panels straight from the input) or use a direct kernel (depthwise, 1×1).
     */
    default void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                        Buffer out, long outOffset) {
        long inGroup = (long) g.groupInChannels() * columns * g.inPlane();
        long outGroup = (long) g.groupOutChannels() * columns * g.outPlane();
        long weightGroup = (long) g.groupOutChannels() * g.patchSize();
        for (int group = 0; group < g.groups(); group++) {
            im2col(in, inOffset + group * inGroup, g, columns, scratch, 0);
            gemm(false, false, g.groupOutChannels(), columns * g.outPlane(), g.patchSize(), weight, group * weightGroup,
                    scratch, 0, 0f, out, outOffset + group * outGroup);
        }
    }

    /** False when {@link #conv2d} ignores its scratch buffer (so plans need not allocate it). */
    default boolean conv2dNeedsScratch() { return true; }

    /**
     * Bytes {@link #conv2d} holds on to for itself per column of a call, beyond the buffers it is
     * given (the CPU's per-column index tables): plans count them against their memory budget.
     */
    default long conv2dOwnBytesPerColumn(ConvGeometry g) { return 0; }

    /**
     * In place on {@code x[channels][columns·plane]}: {@code x = act(x + bias[c])}, then, if
     * {@code mask} is not null, dropout: {@code x = keep ? x·1/(1−p) : 0}, the element index
     * being {@code c·plane + i} for position i of the plane.
     */
    void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                        Activation act, MaskSpec mask);

    /**
     * {@link #biasActivation} followed by {@link #pool}, for a convolution whose activation and
     * dropout come right before a pooling layer (LeNet's conv2 → dropout → pool):
     * {@code dst[c][n] = pool(mask(act(x[c][n] + bias[c])))}, {@code x} being
     * {@code [channels][columns][g.height()·g.width()]} (it may be clobbered) and {@code dst}
     * {@code [channels][columns][g.outHeight()·g.outWidth()]}; {@code mask} may be null. Same bits
     * as the two ops, which the default runs.
     */
    default void biasActivationPool(Buffer x, long xOffset, Buffer bias, int channels, int columns, PoolGeometry g,
                                    Activation act, MaskSpec mask, Buffer dst, long dstOffset) {
        biasActivation(x, xOffset, bias, channels, columns, g.height() * g.width(), act, mask);
        pool(x, xOffset, g, channels * columns, dst, dstOffset);
    }

    /**
     * The general epilogue, in place on {@code x[channels][columns][plane]}:
     * {@code x = mask(act(x·scale[c] + bias[c] + residual))} (see {@link Epilogue}; every part
     * optional). Graph plans use it where {@link #biasActivation} cannot say enough: an unfolded
     * batch norm (scale), a residual Add fused into the convolution that produced x, activations
     * other than ReLU. With scale and residual null it gives the same bits as biasActivation.
     */
    void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e);

    /**
     * Elementwise {@code out[c][n][i] = op(a[sa.index(c, n, i)], b[sb.index(c, n, i)])} over
     * {@code [channels][columns][plane]}, {@code out} dense; {@code out} may be {@code a} or
     * {@code b} when that operand is dense (in place). ONNX Add / Sub / Mul with broadcasting:
     * two computed tensors, a per-channel constant, a squeeze-excitation gate ({@link Broadcast}).
     */
    void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns, int plane, Buffer out);

    /**
     * {@code dst[dstOffset + i] = src[srcOffset + i]} for i < count, the ranges not overlapping.
     * A channel Concat is copies: in the CNHW layout each input's channels are one contiguous block
     * of the output.
     */
    void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count);

    /**
     * The first dropout of an MC run: {@code dst[c][n][i] = keep ? src[c][b(n)][i]·1/(1−p) : 0}
     * where {@code src} is {@code [channels][batchImages][plane]}, computed once per image, and
     * {@code b(n) = mask.pairs().batchIndexOf(n)}: the deterministic prefix is replicated into T
     * samples as it is masked.
     */
    void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset,
                       int channels, int columns, int plane, MaskSpec mask);

    /**
     * {@link #expandDropout} followed by {@link #pool}, when the first dropout comes right before
     * a pooling layer (LeNet: conv1 → dropout → max-pool): {@code dst[c][n] = pool(mask(src[c][b(n)]))},
     * {@code dst} being {@code [channels][columns][g.outHeight()·g.outWidth()]}. Same bits as the
     * two ops. The default runs them through {@code via} ({@code channels·columns·g.height()·g.width()}
     * elements, clobbered); a backend may pool each masked plane where it lies (cache, shared
     * memory) and never write the unpooled tensor.
     */
    default void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                   MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        expandDropout(src, srcOffset, via, 0, channels, columns, g.height() * g.width(), mask);
        pool(via, 0, g, channels * columns, dst, dstOffset);
    }

    /**
     * Pools {@code planes} planes of {@code g.height() × g.width()} into {@code g.outHeight() × g.outWidth()}
     * by the window, rounding and padding rules of {@link PoolGeometry} (global pools included).
     */
    void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset);

    /** {@code out[c·plane + i][n] = in[c][n][i]}: PyTorch's flatten order, as a [features][columns] matrix. */
    void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset);

    /** Column-wise softmax: {@code out[k][n] = exp(in[k][n]) / Σ_j exp(in[j][n])}, max-subtracted. */
    void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset);

    /**
     * MC reduction. For each column n of {@code logits[classes][columns]}, with image
     * b = {@code pairs.batchIndexOf(n)}, takes p = softmax(column) and adds into row b of
     * {@code acc[batchImages][McAccumulators.width(classes)]} (see {@link McAccumulators}):
     * p, Welford's running mean and M2 step for the column's sample t (count t + 1, t =
     * {@code pairs.sampleOf(n)}), a one-hot vote for argmax p (lowest index on ties), and the
     * entropy −Σ p ln p (0·ln 0 = 0). Each row receives its columns in increasing pair order, so the
     * sums do not depend on chunking.
     */
    void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc);

    /**
     * Bytes of working memory a plan may allocate on this backend for activations of one chunk;
     * the predictor sizes its chunks from this unless the user gives a budget. CPU: a fixed
     * cache- and RAM-friendly default; CUDA: a share of the free device memory.
     */
    default long suggestedWorkspaceBytes() { return 256L << 20; }

    /**
     * The device's published peak FLOP/s for the arithmetic its GEMMs use, where known (for
     * {@code mcdrop bench} to report a fraction of peak). Default: unknown.
     */
    default java.util.OptionalDouble peakFlopsPerSecond() { return java.util.OptionalDouble.empty(); }

    /** Waits for every issued op. */
    default void synchronize() {}

    @Override
    void close();
}
