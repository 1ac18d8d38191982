package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.*;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PendingDownload;
import dev.mcdrop.backend.PoolGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Objects;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream_flags;

/**
 * The GPU backend: every {@link Backend} op is one kernel launch (PTX from native-kernels/), one
 * cuBLAS SGEMM or one driver memcpy (a grouped convolution: one of each per group), issued
 * asynchronously on one stream of the device's primary context (shared with cuBLAS). Uploads and {@link #downloadAsync} go through pinned staging blocks
 * ({@link PinnedStaging}) in stream order, so the host can work on the next batch meanwhile;
 * {@link #download} and {@link #synchronize} wait for the stream.
 *
 * <p>Open with {@link #open(CudaOptions)}; it throws {@link BackendUnavailableException} with a
 * one-line reason when no usable GPU is there, so callers can fall back to the CPU. When cuBLAS
 * is missing the backend still works with the built-in GEMM kernel and {@link #warning()} says
 * so. Ops may be called from any thread, one thread at a time (the context is bound on demand).
 */
public final class CudaBackend implements Backend {
    /** Share of the free device memory offered to a plan's activations. */
    private static final double WORKSPACE_SHARE = 0.6;
    private static final long MIN_HALF_WEIGHT_FLOATS = 1 << 18; // 1 MB: LeNet's conv2 needs 12,800

    private final CudaOptions options;
    private final CUdevice device;
    private final CUcontext context;
    private final Cuda.Stream stream;
    private final PtxModules modules;
    private final PinnedStaging staging;
    private final String deviceName;
    private final int ccMajor, ccMinor, driverVersion;
    private final long totalMemory;
    private final CublasGemm cublas;       // null: built-in GEMM
    private final String gemmWarning;      // why cuBLAS is not used, or null
    private final GemmKernel builtinGemm;
    private final ConvKernel implicitConv;
    private final Im2colKernels layout;
    private final BiasActivationKernels pointwise;
    private final PoolKernels pooling;
    private final SoftmaxKernel softmaxKernel;
    private final McReduceKernel mcReduce;
    private final GraphOpsKernels graphOps;
    private volatile Thread boundThread;
    private volatile boolean closed;
    // FP16 copy of the weights of the convolution being run (--gemm-precision fp16 --conv implicit):
    // converted before each such convolution, grown when a larger layer first needs it, freed at close
    private CudaBuffer halfWeights;

    private CudaBackend(CudaOptions options, CUdevice device, CUcontext context, String deviceName,
                        int ccMajor, int ccMinor, int driverVersion, long totalMemory) throws BackendUnavailableException {
        this.options = options;
        this.device = device;
        this.context = context;
        this.deviceName = deviceName;
        this.ccMajor = ccMajor;
        this.ccMinor = ccMinor;
        this.driverVersion = driverVersion;
        this.totalMemory = totalMemory;
        this.boundThread = Thread.currentThread();
        this.stream = new Cuda.Stream();
        this.modules = new PtxModules(ccMajor, ccMinor);
        try {
            // A blocking stream: also ordered against the legacy default stream (synchronous copies).
            check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "create stream");
            DriverLauncher launcher = new DriverLauncher(modules, stream);
            launcher.loadAll();
            this.layout = new Im2colKernels(launcher);
            this.pointwise = new BiasActivationKernels(launcher);
            this.pooling = new PoolKernels(launcher);
            this.softmaxKernel = new SoftmaxKernel(launcher);
            this.mcReduce = new McReduceKernel(launcher);
            this.graphOps = new GraphOpsKernels(launcher);
            this.builtinGemm = new GemmKernel(launcher);
            this.implicitConv = new ConvKernel(launcher);
            this.staging = new PinnedStaging(stream); // last: it frees its own blocks if it fails
        } catch (CudaOpException e) {
            modules.close();
            if (stream.handle() != 0) cuStreamDestroy(stream); // created before the failing step
            throw new BackendUnavailableException("CUDA kernels unusable on " + deviceName + ": " + e.getMessage(), e);
        }
        CublasGemm blas = null;
        String warning = null;
        if (options.useCublas()) {
            try {
                blas = CublasGemm.open(options.cublasPath(), options.gemmPrecision(), stream.handle());
            } catch (BackendUnavailableException e) {
                String why = e.getMessage();
                warning = why.startsWith("cuBLAS not found")
                        ? "cuBLAS not found, using built-in GEMM kernel" + why.substring("cuBLAS not found".length())
                        : why + "; using built-in GEMM kernel";
            }
        }
        if (blas != null && blas.passedOver().isPresent()) {
            warning = "the cuBLAS asked for is unusable (" + blas.passedOver().get() + "); using " + blas.describe();
        }
        if (blas == null && options.gemmPrecision() != GemmPrecision.FP32) {
            String why = "GEMM precision " + options.gemmPrecision() + " needs cuBLAS; the built-in kernel is strict FP32";
            warning = warning == null ? why : warning + "; " + why;
        }
        this.cublas = blas;
        this.gemmWarning = warning;
    }

    /**
     * Opens device {@code options.device()} (its primary context, made current on this thread).
     *
     * @throws BackendUnavailableException with a one-line reason: no driver, no device, driver too
     *         old for the shipped PTX, GPU too old, kernels failing to load
     */
    public static CudaBackend open(CudaOptions options) throws BackendUnavailableException {
        Objects.requireNonNull(options, "options");
        if (!driverLibraryPresent()) {
            throw new BackendUnavailableException("no NVIDIA driver (libcuda.so.1 not found)");
        }
        int init;
        try {
            setExceptionsEnabled(false); // every call is checked by Cuda.check, naming the op
            init = cuInit(0);
        } catch (LinkageError | RuntimeException e) {
            throw new BackendUnavailableException("JCuda native library failed to load: " + e, e);
        }
        if (init == CUresult.CUDA_ERROR_NO_DEVICE) throw new BackendUnavailableException("no CUDA device");
        if (init != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException("CUDA driver initialisation failed: " + CUresult.stringFor(init));
        }
        int[] value = new int[1];
        int r = cuDriverGetVersion(value);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException("CUDA driver version query failed: " + CUresult.stringFor(r));
        }
        int driverVersion = value[0];
        if (driverVersion < PtxModules.MIN_DRIVER_VERSION) {
            throw new BackendUnavailableException("NVIDIA driver supports CUDA " + versionString(driverVersion)
                    + "; the CUDA backend needs a CUDA " + versionString(PtxModules.MIN_DRIVER_VERSION)
                    + " or newer driver (R525+): JCuda 12.6 and cuBLAS 12 are CUDA 12 libraries");
        }
        r = cuDeviceGetCount(value);
        if (r != CUresult.CUDA_SUCCESS || value[0] == 0) throw new BackendUnavailableException("no CUDA device");
        if (options.device() >= value[0]) {
            throw new BackendUnavailableException("no CUDA device " + options.device() + " (" + value[0] + " present)");
        }
        CUdevice device = new CUdevice();
        CUcontext context = new CUcontext();
        try {
            check(cuDeviceGet(device, options.device()), "get device");
            byte[] nameBytes = new byte[256];
            check(cuDeviceGetName(nameBytes, nameBytes.length, device), "device name");
            String name = new String(nameBytes, 0, zeroTerminated(nameBytes)).trim();
            int[] major = new int[1], minor = new int[1];
            check(cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "device attribute");
            check(cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "device attribute");
            if (major[0] * 10 + minor[0] < 75) {
                throw new BackendUnavailableException("GPU " + name + " has compute capability " + major[0] + "." + minor[0]
                        + "; mcdrop needs 7.5 or newer (Turing+)");
            }
            long[] total = new long[1];
            check(cuDeviceTotalMem(total, device), "device memory");
            check(cuDevicePrimaryCtxRetain(context, device), "retain primary context");
            try {
                check(cuCtxSetCurrent(context), "set context");
                return new CudaBackend(options, device, context, name, major[0], minor[0], driverVersion, total[0]);
            } catch (BackendUnavailableException | RuntimeException e) {
                cuDevicePrimaryCtxRelease(device);
                throw e;
            }
        } catch (CudaOpException e) {
            throw new BackendUnavailableException("CUDA device " + options.device() + " unusable: " + e.getMessage(), e);
        }
    }

    /** Checks for the driver library without touching JCuda (whose native library links it). */
    @SuppressWarnings("restricted")
    private static boolean driverLibraryPresent() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        } catch (IllegalCallerException e) {
            return true; // native access disabled for FFM: let JCuda try
        }
    }

    private static int zeroTerminated(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return i;
        return b.length;
    }

    private static String versionString(int v) { return v / 1000 + "." + (v % 1000) / 10; }

    /** Non-empty when a degraded mode is in use, e.g. "cuBLAS not found, using built-in GEMM kernel (...)". */
    public Optional<String> warning() { return Optional.ofNullable(gemmWarning); }

    /** True when GEMMs go to cuBLAS, false when to native-kernels/gemm.cu. */
    public boolean usesCublas() { return cublas != null; }

    public CudaOptions options() { return options; }

    boolean isClosed() { return closed; }

    /** Makes the primary context current on the calling thread if another thread used it last. */
    void bindContext() {
        Thread t = Thread.currentThread();
        if (t != boundThread) {
            check(cuCtxSetCurrent(context), "set context");
            boundThread = t;
        }
    }

    private void ready() {
        if (closed) throw new IllegalStateException("CUDA backend is closed");
        bindContext();
    }

    /** Device address of {@code buffer[offset]}, after checking ownership and that {@code count} elements fit. */
    private long at(Buffer buffer, long offset, long count, String op) {
        if (!(buffer instanceof CudaBuffer cb) || cb.owner != this) {
            throw new IllegalArgumentException(op + ": buffer " + buffer + " does not belong to this CUDA backend");
        }
        if (offset < 0 || count < 0 || offset + count > cb.size()) {
            throw new IndexOutOfBoundsException(op + ": range [" + offset + ", " + (offset + count)
                    + ") outside buffer of " + cb.size() + " floats");
        }
        return cb.address(offset);
    }

    @Override public String name() { return "cuda"; }

    @Override
    public String describe() {
        String gemm = cublas != null ? cublas.describe()
: "built-in GEMM, strict FP32" + (gemmWarning != null ? "; " + gemmWarning : "; cuBLAS disabled");
        return String.format(java.util.Locale.ROOT, "cuda: %s (device %d, compute %d.%d, %.1f GiB, driver CUDA %s), %s",
                deviceName, options.device(), ccMajor, ccMinor, totalMemory / (double) (1L << 30),
                versionString(driverVersion), gemm)
                + (options.conv() == ConvAlgorithm.IMPLICIT ? "; convolutions: " + ConvAlgorithm.IMPLICIT.description(options.gemmPrecision()) : "")
                + (halfInputs() ? "; convolutions: im2col stored as " + options.gemmPrecision() + " for cuBLAS" : "")
                + "; " + modules.describe();
    }

    @Override
    public Buffer allocate(long elements) {
        if (elements < 0) throw new IllegalArgumentException("negative buffer size " + elements);
        ready();
        Cuda.DevicePtr pointer = new Cuda.DevicePtr();
        if (elements > 0) {
            int r = cuMemAlloc(pointer, elements * Float.BYTES);
            if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw new CudaOpException(String.format(java.util.Locale.ROOT,
                        "cuda allocate: out of device memory allocating %.1f MiB (%.1f MiB free); use a smaller --memory or --batch",
                        elements * (double) Float.BYTES / (1 << 20), freeBytes() / (double) (1 << 20)));
            }
            check(r, "allocate " + elements + " floats");
        }
        return new CudaBuffer(this, pointer, elements);
    }

    @Override
    public void upload(float[] src, int srcOffset, Buffer dst, long dstOffset, int count) {
        Objects.checkFromIndexSize(srcOffset, count, src.length);
        at(dst, dstOffset, count, "upload");
        if (count == 0) return;
        ready();
        CudaBuffer d = (CudaBuffer) dst;
        if ((long) count * Float.BYTES <= PinnedStaging.MAX_STAGED_BYTES) {
            // Staged in pinned memory, copied in stream order: earlier kernels finish reading dst first.
            staging.upload(src, srcOffset, d.pointer.withByteOffset(dstOffset * Float.BYTES), count);
            return;
        }
        // Too large to stage: wait for earlier kernels, then copy synchronously from the Java array.
        check(cuStreamSynchronize(stream), "upload (wait for stream)");
        check(cuMemcpyHtoD(d.pointer.withByteOffset(dstOffset * Float.BYTES),
                Pointer.to(src).withByteOffset((long) srcOffset * Float.BYTES), (long) count * Float.BYTES), "upload");
    }

    /** Mask keys are 32-bit words: a buffer of {@code images} 4-byte elements. */
    @Override
    public Buffer allocateKeys(int images) { return allocate(images); }

    @Override
    public void uploadKeys(int[] src, int count, Buffer keys) {
        Objects.checkFromIndexSize(0, count, src.length);
        at(keys, 0, count, "uploadKeys");
        if (count == 0) return;
        ready();
        staging.upload(src, ((CudaBuffer) keys).pointer, count); // a batch's keys: far below MAX_STAGED_BYTES
    }

    /** Device address of the mask's key table, or 0 (keys by position) when it has none. */
    private long keys(MaskSpec mask) {
        return mask == null || mask.imageKeys() == null ? 0 : at(mask.imageKeys(), 0, mask.pairs().batchImages(), "mask keys");
    }

    @Override
    public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        at(src, srcOffset, count, "download");
        if (count == 0 || (long) count * Float.BYTES > PinnedStaging.MAX_STAGED_BYTES) {
            download(src, srcOffset, dst, dstOffset, count);
            return PendingDownload.DONE;
        }
        ready();
        CudaBuffer s = (CudaBuffer) src;
        return staging.download(s.pointer.withByteOffset(srcOffset * Float.BYTES), dst, dstOffset, count);
    }

    @Override
    public void download(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        at(src, srcOffset, count, "download");
        ready();
        check(cuStreamSynchronize(stream), "download (wait for stream)");
        if (count == 0) return;
        CudaBuffer s = (CudaBuffer) src;
        check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES),
                s.pointer.withByteOffset(srcOffset * Float.BYTES), (long) count * Float.BYTES), "download");
    }

    @Override
    public void zero(Buffer buffer, long offset, long count) {
        at(buffer, offset, count, "zero");
        if (count == 0) return;
        ready();
        CudaBuffer b = (CudaBuffer) buffer;
        check(cuMemsetD32Async(b.pointer.withByteOffset(offset * Float.BYTES), 0, count, stream), "zero");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     Buffer a, long aOffset, Buffer b, long bOffset, float beta, Buffer c, long cOffset) {
        long pa = at(a, aOffset, (long) m * k, "gemm A");
        long pb = at(b, bOffset, (long) k * n, "gemm B");
        long pc = at(c, cOffset, (long) m * n, "gemm C");
        ready();
        if (cublas != null) cublas.gemm(transA, transB, m, n, k, pa, pb, beta, pc);
        else builtinGemm.gemm(transA, transB, m, n, k, pa, pb, beta, pc);
    }

    @Override
    public void im2col(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer cols, long colsOffset) {
        long pin = at(in, inOffset, (long) g.groupInChannels() * columns * g.inPlane(), "im2col in");
        long pcols = at(cols, colsOffset, (long) g.patchSize() * columns * g.outPlane(), "im2col cols");
        ready();
        layout.im2col(pin, g, columns, pcols);
    }

    /**
     * A depthwise convolution runs the direct kernel (strict FP32, whatever the options: per group the
     * GEMM would have one output row and kh·kw inner steps); otherwise im2col + GEMM, or with
     * {@code --conv implicit} the implicit kernel, group by group.
     */
    @Override
    public void conv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                       Buffer out, long outOffset) {
        if (g.isDepthwise()) {
            long pin = at(in, inOffset, (long) g.inChannels() * columns * g.inPlane(), "conv2d in");
            long pw = at(weight, 0, (long) g.outChannels() * g.patchSize(), "conv2d weight");
            long pout = at(out, outOffset, (long) g.outChannels() * columns * g.outPlane(), "conv2d out");
            ready();
            implicitConv.depthwise(pin, g, columns, pw, pout);
            return;
        }
        if (options.conv() != ConvAlgorithm.IMPLICIT) {
            if (!halfConv2d(in, inOffset, g, columns, weight, scratch, out, outOffset)) {
                Backend.super.conv2d(in, inOffset, g, columns, weight, scratch, out, outOffset);
            }
            return;
        }
        long pin = at(in, inOffset, (long) g.inChannels() * columns * g.inPlane(), "conv2d in");
        long pw = at(weight, 0, (long) g.outChannels() * g.patchSize(), "conv2d weight");
        long pout = at(out, outOffset, (long) g.outChannels() * columns * g.outPlane(), "conv2d out");
        ready();
        if (options.gemmPrecision() == GemmPrecision.FP16) {
            int stride = ConvKernel.halfWeightStride(g);
            long pw16 = halfWeights(((long) g.outChannels() * stride + 1) / 2);
            layout.toHalf(pw, g.outChannels(), g.patchSize(), stride, pw16, false); // W16[Cout][stride], zero-padded
            implicitConv.conv2dHalf(pin, g, columns, pw16, pout);
        } else {
            implicitConv.conv2d(pin, g, columns, pw, pout);
        }
    }

    /**
     * The device address of at least {@code floats} floats for FP16 weights: 1 MB at first (any LeNet-sized
     * layer, so a plan's layers share one allocation), reallocated only for a larger layer. cuMemFree waits
     * for the kernels queued before it, which may still read the old copy.
     */
    private long halfWeights(long floats) {
        if (halfWeights == null || halfWeights.size() < floats) {
            if (halfWeights != null) halfWeights.close();
            halfWeights = null;
            halfWeights = (CudaBuffer) allocate(Math.max(floats, MIN_HALF_WEIGHT_FLOATS));
        }
        return at(halfWeights, 0, floats, "fp16 weights");
    }

    /** True when the GEMMs round their inputs to 16 bits anyway: im2col then stores 16-bit floats. */
    private boolean halfInputs() {
        GemmPrecision p = options.gemmPrecision();
        return cublas != null && options.conv() == ConvAlgorithm.IM2COL && (p == GemmPrecision.FP16 || p == GemmPrecision.BF16);
    }

    /**
     * With --gemm-precision fp16|bf16 the im2col matrix (the largest tensor of a pass: 128 KB per
     * sample for LeNet's conv2 in FP32) is written as 16-bit floats, already rounded as cuBLAS's
     * FAST_16F / FAST_16BF modes round FP32 inputs, and read by a GEMM with 16-bit A and B (FP32
     * accumulation): half the bytes both ways. scratch holds the 16-bit matrix, then (256-byte
     * aligned) the 16-bit weights with rows padded to a multiple of 8 elements, so every leading
     * dimension cuBLAS sees is 16-byte aligned (LeNet's K = 500 is not); false, doing nothing, when
     * that path does not apply or does not fit.
     */
    private boolean halfConv2d(Buffer in, long inOffset, ConvGeometry g, int columns, Buffer weight, Buffer scratch,
                               Buffer out, long outOffset) {
        if (!halfInputs() || scratch == null || g.groups() != 1) return false;
        long n = (long) columns * g.outPlane(), k = g.patchSize();
        int lda = (int) ((k + 7) / 8 * 8);                               // W16 rows padded to a multiple of 8 (16 B)
        long weightsAt = ((k * n + 1) / 2 + 63) / 64 * 64;             // floats: the 16-bit matrix, rounded up
        long weights16 = ((long) g.outChannels() * lda + 1) / 2;        // floats holding W16
        if (weightsAt + weights16 > scratch.size() || n > Integer.MAX_VALUE) return false;
        long pin = at(in, inOffset, (long) g.inChannels() * columns * g.inPlane(), "conv2d in");
        long pw = at(weight, 0, (long) g.outChannels() * k, "conv2d weight");
        long pout = at(out, outOffset, (long) g.outChannels() * n, "conv2d out");
        long pcols = at(scratch, 0, weightsAt + weights16, "conv2d scratch");
        long pw16 = pcols + weightsAt * Float.BYTES;
        boolean bf16 = options.gemmPrecision() == GemmPrecision.BF16;
        ready();
        layout.toHalf(pw, g.outChannels(), (int) k, lda, pw16, bf16);   // W16[Cout][lda]
        layout.im2colHalf(pin, g, columns, pcols, bf16);                 // cols16[K][N·OH·OW]
        cublas.gemmHalf(false, false, g.outChannels(), (int) n, (int) k, pw16, lda, pcols, 0f, pout, bf16);
        return true;
    }

    /** The implicit path needs none; a plan of only depthwise convolutions would not either, but plans ask per backend. */
    @Override
    public boolean conv2dNeedsScratch() { return options.conv() != ConvAlgorithm.IMPLICIT; }

    @Override
    public void biasActivation(Buffer x, long xOffset, Buffer bias, int channels, int columns, int plane,
                               Activation act, MaskSpec mask) {
        long px = at(x, xOffset, (long) channels * columns * plane, "biasActivation x");
        long pbias = at(bias, 0, channels, "biasActivation bias");
        ready();
        pointwise.biasActivation(px, pbias, channels, columns, plane, act, mask, keys(mask));
    }

    @Override
    public void expandDropout(Buffer src, long srcOffset, Buffer dst, long dstOffset,
                              int channels, int columns, int plane, MaskSpec mask) {
        long ps = at(src, srcOffset, (long) channels * mask.pairs().batchImages() * plane, "expandDropout src");
        long pd = at(dst, dstOffset, (long) channels * columns * plane, "expandDropout dst");
        ready();
        pointwise.expandDropout(ps, pd, channels, columns, plane, mask, keys(mask));
    }

    @Override
    public void biasActivationPool(Buffer x, long xOffset, Buffer bias, int channels, int columns, PoolGeometry g,
                                   Activation act, MaskSpec mask, Buffer dst, long dstOffset) {
        int plane = g.height() * g.width();
        if (plane > BiasActivationKernels.FUSED_POOL_MAX_PLANE || !g.isSimple()) {   // too big for shared memory, or padded etc.
            Backend.super.biasActivationPool(x, xOffset, bias, channels, columns, g, act, mask, dst, dstOffset);
            return;
        }
        long px = at(x, xOffset, (long) channels * columns * plane, "biasActivationPool x");
        long pbias = at(bias, 0, channels, "biasActivationPool bias");
        long pd = at(dst, dstOffset, (long) channels * columns * g.outHeight() * g.outWidth(), "biasActivationPool dst");
        ready();
        pointwise.biasActivationPool(px, pbias, channels, columns, g, act, mask, keys(mask), pd);
    }

    @Override
    public void expandDropoutPool(Buffer src, long srcOffset, int channels, int columns, PoolGeometry g,
                                  MaskSpec mask, Buffer via, Buffer dst, long dstOffset) {
        if ((long) g.height() * g.width() > BiasActivationKernels.FUSED_POOL_MAX_PLANE || !g.isSimple()) { // see biasActivationPool
            Backend.super.expandDropoutPool(src, srcOffset, channels, columns, g, mask, via, dst, dstOffset);
            return;
        }
        int plane = g.height() * g.width();
        long ps = at(src, srcOffset, (long) channels * mask.pairs().batchImages() * plane, "expandDropoutPool src");
        long pd = at(dst, dstOffset, (long) channels * columns * g.outHeight() * g.outWidth(), "expandDropoutPool dst");
        ready();
        pointwise.expandDropoutPool(ps, pd, channels, columns, g, mask, keys(mask));
    }

    @Override
    public void pool(Buffer in, long inOffset, PoolGeometry g, int planes, Buffer out, long outOffset) {
        long pin = at(in, inOffset, (long) planes * g.height() * g.width(), "pool in");
        long pout = at(out, outOffset, (long) planes * g.outHeight() * g.outWidth(), "pool out");
        ready();
        pooling.pool(pin, g, planes, pout);
    }

    @Override
    public void flatten(Buffer in, long inOffset, int channels, int columns, int plane, Buffer out, long outOffset) {
        long total = (long) channels * columns * plane;
        long pin = at(in, inOffset, total, "flatten in");
        long pout = at(out, outOffset, total, "flatten out");
        ready();
        layout.flatten(pin, channels, columns, plane, pout);
    }

    @Override
    public void softmax(Buffer in, long inOffset, int classes, int columns, Buffer out, long outOffset) {
        long pin = at(in, inOffset, (long) classes * columns, "softmax in");
        long pout = at(out, outOffset, (long) classes * columns, "softmax out");
        ready();
        softmaxKernel.softmax(pin, classes, columns, pout);
    }

    @Override
    public void mcAccumulate(Buffer logits, long logitsOffset, int classes, int columns, Pairs pairs, Buffer acc) {
        long pl = at(logits, logitsOffset, (long) classes * columns, "mcAccumulate logits");
        long pacc = at(acc, 0, (long) pairs.batchImages() * McAccumulators.width(classes), "mcAccumulate acc");
        ready();
        mcReduce.accumulate(pl, classes, columns, pairs, pacc);
    }

    /** The card's published peak for the arithmetic the GEMMs use (strict FP32 with the built-in kernel). */
    @Override
    public java.util.OptionalDouble peakFlopsPerSecond() {
        return GpuPeak.flopsPerSecond(deviceName, cublas != null ? options.gemmPrecision() : GemmPrecision.FP32);
    }

    /** About 60% of the device memory free right now. */
    @Override
    public long suggestedWorkspaceBytes() {
        ready();
        return (long) (freeBytes() * WORKSPACE_SHARE);
    }

    private long freeBytes() {
        long[] free = new long[1], total = new long[1];
        check(cuMemGetInfo(free, total), "memory info");
        return free[0];
    }

    @Override
    public void synchronize() {
        ready();
        check(cuStreamSynchronize(stream), "synchronize");
    }

    @Override
    public void close() {
        if (closed) return;
        bindContext();
        try {
            cuStreamSynchronize(stream);
            if (halfWeights != null) halfWeights.close();
            if (cublas != null) cublas.close();
            staging.close();
            modules.close();
            cuStreamDestroy(stream);
        } finally {
            closed = true;
            cuDevicePrimaryCtxRelease(device);
        }
    }

    @Override
    public void epilogue(Buffer x, int channels, int columns, int plane, Epilogue e) {
        long total = (long) channels * columns * plane;
        long px = at(x, 0, total, "epilogue x");
        long pscale = e.scale() == null ? 0 : at(e.scale(), 0, channels, "epilogue scale");
        long pbias = e.bias() == null ? 0 : at(e.bias(), 0, channels, "epilogue bias");
        long presidual = e.residual() == null ? 0 : at(e.residual(), 0, total, "epilogue residual");
        ready();
        graphOps.epilogue(px, pscale, pbias, presidual, channels, columns, plane, e.act(), e.mask(), keys(e.mask()));
    }

    /** In place only on a dense operand: a broadcast one read while written would race between threads. */
    @Override
    public void binary(BinaryOp op, Buffer a, Broadcast sa, Buffer b, Broadcast sb, int channels, int columns, int plane,
                       Buffer out) {
        if (channels == 0 || columns == 0 || plane == 0) return;
        Broadcast dense = Broadcast.dense(columns, plane);
        if ((out == a && !sa.equals(dense)) || (out == b && !sb.equals(dense))) {
            throw new IllegalArgumentException("binary " + op + ": out is an operand read with broadcast strides "
                    + (out == a ? sa : sb) + "; only a dense operand may be overwritten");
        }
        long pa = at(a, 0, sa.extent(channels, columns, plane), "binary a");
        long pb = at(b, 0, sb.extent(channels, columns, plane), "binary b");
        long pout = at(out, 0, (long) channels * columns * plane, "binary out");
        ready();
        graphOps.binary(op, pa, sa, pb, sb, channels, columns, plane, pout);
    }

    /** A device-to-device copy queued on the stream (cuMemcpyDtoDAsync), in order with the kernels. */
    @Override
    public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long count) {
        at(src, srcOffset, count, "copy src");
        at(dst, dstOffset, count, "copy dst");
        if (count == 0) return;
        if (src == dst && srcOffset < dstOffset + count && dstOffset < srcOffset + count) {
            throw new IllegalArgumentException("copy: ranges [" + srcOffset + ", +" + count + ") and [" + dstOffset + ", +"
                    + count + ") of one buffer overlap");
        }
        ready();
        CudaBuffer s = (CudaBuffer) src, d = (CudaBuffer) dst;
        check(cuMemcpyDtoDAsync(d.pointer.withByteOffset(dstOffset * Float.BYTES), s.pointer.withByteOffset(srcOffset * Float.BYTES),
                count * Float.BYTES, stream), "copy");
    }
}
