package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.PendingDownload;
import dev.mcdrop.backend.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every op of {@link CudaBackend} against {@link ReferenceBackend} (float64) on random shapes,
 * offsets and masks; masks must be bit-identical (expandDropout of ones gives exactly 0 or
 * scale where {@link MaskSpec#keep} says). Both GEMM engines are checked (cuBLAS when it loads,
 * and the built-in kernel). Skipped, with the reason, where no usable NVIDIA GPU is present.
 */
class CudaBackendTest {
    private static CudaBackend cuda;
    private static final ReferenceBackend ref = new ReferenceBackend();
    private final List<Buffer> open = new ArrayList<>();

    private static String unavailable;

    @BeforeAll
    static void openGpu() {
        try {
            cuda = CudaBackend.open(CudaOptions.defaults());
            System.out.println(cuda.describe());
            cuda.warning().ifPresent(w -> System.out.println("warning: " + w));
        } catch (BackendUnavailableException e) {
            unavailable = e.getMessage();
            System.out.println("CudaBackendTest skipped: CUDA backend unavailable: " + unavailable);
        }
    }

    /** Per test (not in @BeforeAll) so that surefire reports each test as skipped, with the reason. */
    @BeforeEach
    void requireGpu() {
        assumeTrue(cuda != null, "CUDA backend unavailable: " + unavailable);
    }

    @AfterAll
    static void closeGpu() {
        if (cuda != null) cuda.close();
    }

    // ---- helpers: the same data in a CUDA and a reference buffer ----

    private record Pair(Buffer gpu, Buffer ref, int size) {}

    private Pair pair(Backend gpuBackend, float[] data) {
        Buffer g = gpuBackend.allocate(data.length), r = ref.allocate(data.length);
        gpuBackend.upload(data, 0, g, 0, data.length);
        ref.upload(data, 0, r, 0, data.length);
        open.add(g);
        return new Pair(g, r, data.length);
    }

    private Pair pair(float[] data) { return pair(cuda, data); }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    private static void assertClose(Backend gpuBackend, Pair p, double rtol, double atol, String what) {
        float[] g = new float[p.size], r = new float[p.size];
        gpuBackend.download(p.gpu, 0, g, 0, p.size);
        ref.download(p.ref, 0, r, 0, p.size);
        for (int i = 0; i < p.size; i++) {
            double tol = atol + rtol * Math.abs(r[i]);
            if (!(Math.abs(g[i] - r[i]) <= tol) && !(Float.isNaN(g[i]) && Float.isNaN(r[i]))) {
                fail(what + ": element " + i + " gpu " + g[i] + " reference " + r[i]);
            }
        }
    }

    /**
     * One convolution case {cin, h, w, cout, k, stride, pad, columns} on {@code gpu} against the
     * float64 reference; the GPU gets an FP32-sized im2col scratch when {@code scratch}, else none.
     * Tolerance: rtol·|ref| + atol(K) with K the patch size.
     */
    private void checkConv(CudaBackend gpu, Random rnd, int[] c, boolean scratch, double rtol,
                                  java.util.function.IntToDoubleFunction atol, String what) {
        ConvGeometry g = new ConvGeometry(c[0], c[1], c[2], c[3], c[4], c[4], c[5], c[6]);
        int columns = c[7], off = rnd.nextInt(3);
        Pair in = pair(gpu, random(rnd, off + g.inChannels() * columns * g.inPlane()));
        Pair w = pair(gpu, random(rnd, g.outChannels() * g.patchSize()));
        Pair out = pair(gpu, random(rnd, off + g.outChannels() * columns * g.outPlane()));
        Pair cols = pair(gpu, new float[g.patchSize() * columns * g.outPlane()]);
        gpu.conv2d(in.gpu, off, g, columns, w.gpu, scratch ? cols.gpu : null, out.gpu, off);
        ref.conv2d(in.ref, off, g, columns, w.ref, cols.ref, out.ref, off);
        assertClose(gpu, out, rtol, atol.applyAsDouble(g.patchSize()), what + " " + g + " columns " + columns);
        closeAll();
    }

    /** Trial 0 and 1 get the given geometries, later trials random max/average pooling of up to 22×22 planes. */
    private static PoolGeometry poolGeometry(Random rnd, int trial, PoolGeometry first, PoolGeometry second) {
        if (trial == 0) return first;
        if (trial == 1) return second;
        int kernel = 1 + rnd.nextInt(3);
        return new PoolGeometry(trial % 2 == 0 ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE,
                kernel + rnd.nextInt(20), kernel + rnd.nextInt(20), kernel, 1 + rnd.nextInt(3));
    }

    /** Elements {@code from..} of two GPU buffers hold the same bits. */
    private void assertSameBits(Pair expected, Pair actual, int from, String what) {
        float[] a = new float[expected.size], b = new float[actual.size];
        cuda.download(expected.gpu, 0, a, 0, a.length);
        cuda.download(actual.gpu, 0, b, 0, b.length);
        for (int i = from; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i + " " + what);
    }

    private void closeAll() {
        open.forEach(Buffer::close);
        open.clear();
    }

    // ---- ops ----

    @Test
    void gemmCublasOrDefault() { checkGemm(cuda); }

    @Test
    void gemmBuiltinKernel() throws BackendUnavailableException {
        try (CudaBackend builtin = CudaBackend.open(CudaOptions.defaults().withCublas(false))) {
            assertFalse(builtin.usesCublas());
            assertTrue(builtin.describe().contains("built-in GEMM"), builtin.describe());
            checkGemm(builtin);
        }
    }

    private void checkGemm(Backend gpu) {
        Random rnd = new Random(1);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {64, 64, 64}, {65, 129, 17}, {10, 300, 200}, {200, 33, 1}, {128, 1000, 75}};
        for (int[] s : shapes)
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2], off = rnd.nextInt(5);
                float beta = t == 3 ? 0.5f : 0f;
                Pair a = pair(gpu, random(rnd, off + m * k)), b = pair(gpu, random(rnd, off + k * n)),
                        c = pair(gpu, random(rnd, off + m * n));
                gpu.gemm(ta, tb, m, n, k, a.gpu, off, b.gpu, off, beta, c.gpu, off);
                ref.gemm(ta, tb, m, n, k, a.ref, off, b.ref, off, beta, c.ref, off);
                assertClose(gpu, c, 1e-5, 2e-6 * k, "gemm " + m + "x" + n + "x" + k + " tA=" + ta + " tB=" + tb);
                closeAll();
            }
    }

    @Test
    void implicitConvolutionMatchesReference() throws BackendUnavailableException {
        try (CudaBackend implicit = CudaBackend.open(CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT))) {
            assertFalse(implicit.conv2dNeedsScratch());
            assertTrue(implicit.describe().contains("implicit"), implicit.describe());
            Random rnd = new Random(12);
            // cin, h, w, cout, k, stride, pad, columns: LeNet's conv2 (K = 500, not a multiple of 8), two tile
            // rows of output channels, 1×1, a strided padded case, a single column, a tail of 128-column tiles
            int[][] cases = {{20, 12, 12, 50, 5, 1, 0, 9}, {3, 9, 7, 70, 3, 2, 1, 5}, {16, 6, 6, 8, 1, 1, 0, 7},
                    {5, 11, 13, 33, 4, 3, 2, 3}, {1, 28, 28, 20, 5, 1, 0, 1}, {7, 5, 5, 129, 2, 1, 1, 11}};
            for (int[] c : cases) checkConv(implicit, rnd, c, false, 1e-5, k -> 2e-6 * k, "implicit conv2d");
        }
    }

    @Test
    void im2col() {
        Random rnd = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            int k = 1 + rnd.nextInt(5);
            ConvGeometry g = new ConvGeometry(1 + rnd.nextInt(4), k + rnd.nextInt(9), k + rnd.nextInt(9),
                    1 + rnd.nextInt(4), k, 1 + rnd.nextInt(3) == 1 ? k : 1 + rnd.nextInt(k), 1 + rnd.nextInt(2), rnd.nextInt(3));
            if (g.outHeight() <= 0 || g.outWidth() <= 0) continue;
            int columns = 1 + rnd.nextInt(6), off = rnd.nextInt(4);
            Pair in = pair(random(rnd, off + g.inChannels() * columns * g.inPlane()));
            Pair cols = pair(random(rnd, off + g.patchSize() * columns * g.outPlane()));
            cuda.im2col(in.gpu, off, g, columns, cols.gpu, off);
            ref.im2col(in.ref, off, g, columns, cols.ref, off);
            assertClose(cuda, cols, 0, 0, "im2col " + g + " columns " + columns);
            closeAll();
        }
    }

    private static MaskSpec randomMask(Random rnd, int batchImages, boolean perChannel) {
        Pairs pairs = new Pairs(rnd.nextInt(50), batchImages, rnd.nextInt(1000));
        return new MaskSpec(rnd.nextLong(), rnd.nextInt(8), 0.1f + 0.8f * rnd.nextFloat(), perChannel, pairs);
    }

    @Test
    void biasActivationWithAndWithoutMask() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 24; trial++) {
            int channels = 1 + rnd.nextInt(9), columns = 1 + rnd.nextInt(7), plane = 1 + rnd.nextInt(30);
            Activation act = rnd.nextBoolean() ? Activation.RELU : Activation.IDENTITY;
            MaskSpec mask = trial % 3 == 0 ? null : randomMask(rnd, 1 + rnd.nextInt(4), trial % 3 == 2);
            int off = rnd.nextInt(4);
            Pair x = pair(random(rnd, off + channels * columns * plane));
            Pair bias = pair(random(rnd, channels));
            cuda.biasActivation(x.gpu, off, bias.gpu, channels, columns, plane, act, mask);
            ref.biasActivation(x.ref, off, bias.ref, channels, columns, plane, act, mask);
            assertClose(cuda, x, 1e-6, 1e-7, "biasActivation " + act + " " + mask);
            closeAll();
        }
    }

    @Test
    void expandDropoutMasksAreBitIdentical() {
        Random rnd = new Random(4);
        for (int trial = 0; trial < 24; trial++) {
            int images = 1 + rnd.nextInt(5), channels = 1 + rnd.nextInt(9), plane = 1 + rnd.nextInt(50);
            int columns = 1 + rnd.nextInt(3 * images + 2);
            MaskSpec mask = randomMask(rnd, images, trial % 2 == 1);
            float[] ones = new float[channels * images * plane];
            java.util.Arrays.fill(ones, 1f);
            Pair src = pair(ones);
            Pair dst = pair(random(rnd, channels * columns * plane));
            cuda.expandDropout(src.gpu, 0, dst.gpu, 0, channels, columns, plane, mask);
            float[] got = new float[dst.size];
            cuda.download(dst.gpu, 0, got, 0, got.length);
            for (int c = 0; c < channels; c++)
                for (int n = 0; n < columns; n++)
                    for (int i = 0; i < plane; i++) {
                        float expected = mask.keep(n, c, (long) c * plane + i) ? 1f * mask.scale() : 0f;
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[(c * columns + n) * plane + i]),
                                "mask bit c=" + c + " n=" + n + " i=" + i + " " + mask);
                    }
            // and on random data, against the reference
            Pair data = pair(random(rnd, channels * images * plane));
            cuda.expandDropout(data.gpu, 0, dst.gpu, 0, channels, columns, plane, mask);
            ref.expandDropout(data.ref, 0, dst.ref, 0, channels, columns, plane, mask);
            assertClose(cuda, dst, 1e-6, 1e-7, "expandDropout " + mask);
            closeAll();
        }
    }

    @Test
    void expandDropoutPoolIsExpandThenPoolBitForBit() {
        Random rnd = new Random(41);
        for (int trial = 0; trial < 16; trial++) {
            // trial 0: LeNet's 24×24 max 2/2; trial 1: a 70×70 plane, above the shared-memory limit (falls back)
            PoolGeometry g = poolGeometry(rnd, trial, new PoolGeometry(PoolGeometry.PoolKind.MAX, 24, 24, 2, 2),
                    new PoolGeometry(PoolGeometry.PoolKind.AVERAGE, 70, 70, 2, 2));
            int images = 1 + rnd.nextInt(4), channels = 1 + rnd.nextInt(trial == 1 ? 2 : 9);
            int columns = 1 + rnd.nextInt(3 * images + 2), off = rnd.nextInt(3);
            int plane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
            MaskSpec mask = randomMask(rnd, images, trial % 4 == 3);
            Pair src = pair(random(rnd, off + channels * images * plane));
            Pair via = pair(new float[channels * columns * plane]);
            Pair twoOps = pair(new float[off + channels * columns * outPlane]);
            Pair fused = pair(random(rnd, off + channels * columns * outPlane));
            cuda.expandDropout(src.gpu, off, via.gpu, 0, channels, columns, plane, mask);
            cuda.pool(via.gpu, 0, g, channels * columns, twoOps.gpu, off);
            cuda.expandDropoutPool(src.gpu, off, channels, columns, g, mask, via.gpu, fused.gpu, off);
            assertSameBits(twoOps, fused, off, g + " " + mask);
            ref.expandDropoutPool(src.ref, off, channels, columns, g, mask, via.ref, fused.ref, off);
            assertClose(cuda, fused, 1e-6, 1e-7, "expandDropoutPool " + g + " " + mask);
            closeAll();
        }
    }

    @Test
    void biasActivationPoolIsBiasActivationThenPoolBitForBit() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 12; trial++) {
            // trial 0: LeNet's conv2 output 8×8 max 2/2; trial 1: 70×70, above the shared-memory limit (falls back)
            PoolGeometry g = poolGeometry(rnd, trial, new PoolGeometry(PoolGeometry.PoolKind.MAX, 8, 8, 2, 2),
                    new PoolGeometry(PoolGeometry.PoolKind.MAX, 70, 70, 2, 2));
            int images = 1 + rnd.nextInt(4), channels = 1 + rnd.nextInt(trial == 1 ? 2 : 50);
            int columns = 1 + rnd.nextInt(3 * images + 2), off = rnd.nextInt(3);
            int plane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
            Activation act = trial % 2 == 0 ? Activation.RELU : Activation.IDENTITY;
            MaskSpec mask = trial % 3 == 2 ? null : randomMask(rnd, images, trial % 3 == 1);
            float[] x = random(rnd, off + channels * columns * plane);
            Pair bias = pair(random(rnd, channels));
            Pair unfused = pair(x), fusedX = pair(x);
            Pair twoOps = pair(new float[off + channels * columns * outPlane]);
            Pair fused = pair(random(rnd, off + channels * columns * outPlane));
            cuda.biasActivation(unfused.gpu, off, bias.gpu, channels, columns, plane, act, mask);
            cuda.pool(unfused.gpu, off, g, channels * columns, twoOps.gpu, off);
            cuda.biasActivationPool(fusedX.gpu, off, bias.gpu, channels, columns, g, act, mask, fused.gpu, off);
            assertSameBits(twoOps, fused, off, g + " " + mask);
            ref.biasActivationPool(fusedX.ref, off, bias.ref, channels, columns, g, act, mask, fused.ref, off);
            assertClose(cuda, fused, 1e-6, 1e-7, "biasActivationPool " + g + " " + mask);
            closeAll();
        }
    }

    @Test
    void pooling() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int kernel = 1 + rnd.nextInt(3);
            PoolGeometry g = new PoolGeometry(trial % 2 == 0 ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE,
                    kernel + rnd.nextInt(10), kernel + rnd.nextInt(10), kernel, 1 + rnd.nextInt(3));
            int planes = 1 + rnd.nextInt(12), off = rnd.nextInt(3);
            Pair in = pair(random(rnd, off + planes * g.height() * g.width()));
            Pair out = pair(random(rnd, off + planes * g.outHeight() * g.outWidth()));
            cuda.pool(in.gpu, off, g, planes, out.gpu, off);
            ref.pool(in.ref, off, g, planes, out.ref, off);
            assertClose(cuda, out, 1e-6, 1e-7, "pool " + g);
            closeAll();
        }
    }

    @Test
    void flatten() {
        Random rnd = new Random(6);
        for (int trial = 0; trial < 10; trial++) {
            int channels = 1 + rnd.nextInt(8), columns = 1 + rnd.nextInt(9), plane = 1 + rnd.nextInt(20), off = rnd.nextInt(3);
            Pair in = pair(random(rnd, off + channels * columns * plane));
            Pair out = pair(random(rnd, off + channels * columns * plane));
            cuda.flatten(in.gpu, off, channels, columns, plane, out.gpu, off);
            ref.flatten(in.ref, off, channels, columns, plane, out.ref, off);
            assertClose(cuda, out, 0, 0, "flatten");
            closeAll();
        }
    }

    @Test
    void softmax() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 10; trial++) {
            int classes = 1 + rnd.nextInt(20), columns = 1 + rnd.nextInt(300), off = rnd.nextInt(3);
            float[] logits = random(rnd, off + classes * columns);
            for (int i = 0; i < logits.length; i++) logits[i] *= 30; // exercise max subtraction
            Pair in = pair(logits);
            Pair out = pair(new float[off + classes * columns]);
            cuda.softmax(in.gpu, off, classes, columns, out.gpu, off);
            ref.softmax(in.ref, off, classes, columns, out.ref, off);
            assertClose(cuda, out, 1e-5, 1e-7, "softmax");
            closeAll();
        }
    }

    @Test
    void mcAccumulateAcrossChunks() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 10; trial++) {
            int classes = 2 + rnd.nextInt(10), images = 1 + rnd.nextInt(7), samples = 1 + rnd.nextInt(20);
            int total = images * samples;
            float[] logits = random(rnd, classes * total);
            for (int i = 0; i < logits.length; i++) logits[i] *= 8;
            if (trial == 0) java.util.Arrays.fill(logits, 0f); // ties: votes go to class 0
            Pair acc = pair(new float[images * McAccumulators.width(classes)]);
            int first = 0;
            while (first < total) {
                int columns = Math.min(total - first, 1 + rnd.nextInt(2 * images + 3));
                float[] chunk = new float[classes * columns];
                for (int k = 0; k < classes; k++)
                    for (int n = 0; n < columns; n++) chunk[k * columns + n] = logits[k * total + first + n];
                Pair l = pair(chunk);
                Pairs pairs = new Pairs(first, images, 17);
                cuda.mcAccumulate(l.gpu, 0, classes, columns, pairs, acc.gpu);
                ref.mcAccumulate(l.ref, 0, classes, columns, pairs, acc.ref);
                first += columns;
            }
            assertClose(cuda, acc, 1e-5, 1e-5, "mcAccumulate classes=" + classes + " images=" + images);
            closeAll();
        }
    }

    @Test
    void zeroAndCopies() {
        Random rnd = new Random(9);
        Pair x = pair(random(rnd, 1000));
        cuda.zero(x.gpu, 100, 300);
        ref.zero(x.ref, 100, 300);
        assertClose(cuda, x, 0, 0, "zero");
        float[] part = new float[50];
        cuda.download(x.gpu, 950, part, 0, 50);
        float[] all = new float[1000];
        ref.download(x.ref, 0, all, 0, 1000);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 950, 1000), part);
        closeAll();
    }

    @Test
    void reducedPrecisionGemmsStayCloseToFp32() throws BackendUnavailableException {
        // TF32 and FP16 keep 10 mantissa bits, BF16 7: relative error ~ sqrt(k)·2^-11 resp. 2^-8 per dot product.
        Object[][] modes = {{GemmPrecision.TF32, 3e-3}, {GemmPrecision.FP16, 3e-3}, {GemmPrecision.BF16, 2e-2}};
        for (Object[] mode : modes) {
            GemmPrecision precision = (GemmPrecision) mode[0];
            try (CudaBackend fast = CudaBackend.open(CudaOptions.defaults().withGemmPrecision(precision))) {
                assumeTrue(fast.usesCublas(), "needs cuBLAS");
                assertTrue(fast.describe().contains(precision.description()), fast.describe());
                Random rnd = new Random(11);
                int m = 50, n = 640, k = 500;
                Pair a = pair(fast, random(rnd, m * k)), b = pair(fast, random(rnd, k * n)), c = pair(fast, new float[m * n]);
                fast.gemm(false, false, m, n, k, a.gpu, 0, b.gpu, 0, 0f, c.gpu, 0);
                ref.gemm(false, false, m, n, k, a.ref, 0, b.ref, 0, 0f, c.ref, 0);
                // |entries| ~ sqrt(k/3)/... : compare against the largest output magnitude
                assertClose(fast, c, 0, (double) mode[1] * Math.sqrt(k), "gemm " + precision);
                closeAll();
            }
        }
    }

    /**
     * --gemm-precision fp16|bf16 with im2col convolutions stores the im2col matrix and the weights as
     * 16-bit floats for a cuBLAS GEMM with 16-bit inputs; within the same tolerance of the float64
     * reference as the FP32-input GEMMs. A scratch too small for the 16-bit layout falls back to the
     * FP32 im2col (same answer class).
     */
    @Test
    void sixteenBitConvolutionsStayCloseToFp32() throws BackendUnavailableException {
        Object[][] modes = {{GemmPrecision.FP16, 3e-3}, {GemmPrecision.BF16, 2e-2}};
        for (Object[] mode : modes) {
            GemmPrecision precision = (GemmPrecision) mode[0];
            try (CudaBackend fast = CudaBackend.open(CudaOptions.defaults().withGemmPrecision(precision))) {
                assumeTrue(fast.usesCublas(), "needs cuBLAS");
                assertTrue(fast.describe().contains("im2col stored as " + precision), fast.describe());
                Random rnd = new Random(21);
                // cin, h, w, cout, k, stride, pad, columns: LeNet's conv2, a padded strided case, and one whose
                // 16-bit layout does not fit the FP32-sized scratch (one output position, 9 channels)
                int[][] cases = {{20, 12, 12, 50, 5, 1, 0, 9}, {3, 9, 7, 70, 3, 2, 1, 5}, {4, 3, 3, 9, 3, 1, 0, 1}};
                double perStep = (double) mode[1];
                for (int[] c : cases) checkConv(fast, rnd, c, true, 0, k -> perStep * Math.sqrt(k), precision + " conv2d");
            }
        }
    }

    /**
     * --conv implicit --gemm-precision fp16: the tensor-core kernel (no cuBLAS, no scratch) within the
     * FP16 path's tolerance of the float64 reference; geometries in an order that makes the FP16
     * weight copy grow past its first 1 MB, then be reused by smaller layers.
     */
    @Test
    void implicitFp16ConvolutionStaysCloseToFp32() throws BackendUnavailableException {
        try (CudaBackend tc = CudaBackend.open(CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT).withGemmPrecision(GemmPrecision.FP16))) {
            assertFalse(tc.conv2dNeedsScratch());
            assertTrue(tc.describe().contains("implicit-GEMM kernel, FP16 tensor cores"), tc.describe());
            Random rnd = new Random(22);
            // cin, h, w, cout, k, stride, pad, columns: LeNet's conv1 (K = 25) and conv2 (K = 500, 50 of a 64-row
            // tile), two tile rows with K = 27, K = 7,744 x 70 channels (FP16 weights past the first 1 MB copy:
            // it grows), a 1×1 kernel, a single output column, a tail of 128-column tiles
            int[][] cases = {{1, 28, 28, 20, 5, 1, 0, 3}, {20, 12, 12, 50, 5, 1, 0, 9}, {3, 9, 7, 70, 3, 2, 1, 5},
                    {64, 11, 11, 70, 11, 1, 0, 2}, {16, 6, 6, 8, 1, 1, 0, 7}, {4, 3, 3, 9, 3, 1, 0, 1}, {7, 5, 5, 129, 2, 1, 1, 11}};
            for (int[] c : cases) checkConv(tc, rnd, c, false, 0, k -> 3e-3 * Math.sqrt(k), "fp16 implicit conv2d");
        }
    }

    @Test
    void uploadsMayReuseTheirSourceAndDownloadsLandOnAwait() {
        // Staged uploads: overwriting the array right after upload must not change what arrives.
        float[] host = new float[4096];
        Buffer first = cuda.allocate(host.length), second = cuda.allocate(host.length);
        java.util.Arrays.fill(host, 1f);
        cuda.upload(host, 0, first, 0, host.length);
        java.util.Arrays.fill(host, 2f);
        cuda.upload(host, 0, second, 0, host.length);
        java.util.Arrays.fill(host, 3f);
        float[] a = new float[host.length], b = new float[host.length];
        PendingDownload da = cuda.downloadAsync(first, 0, a, 0, a.length);
        cuda.zero(first, 0, host.length); // issued after the download: must not reach it
        PendingDownload db = cuda.downloadAsync(second, 0, b, 0, b.length);
        db.await();
        da.await();
        da.await();
        for (int i = 0; i < host.length; i++) {
            assertEquals(1f, a[i], "first upload, element " + i);
            assertEquals(2f, b[i], "second upload, element " + i);
        }
        first.close();
        second.close();
    }

    @Test
    void describeAndWorkspace() {
        assertTrue(cuda.describe().startsWith("cuda: "), cuda.describe());
        assertTrue(cuda.suggestedWorkspaceBytes() > 0);
        assertThrows(IllegalArgumentException.class, () -> cuda.gemm(false, false, 1, 1, 1,
                ref.allocate(1), 0, ref.allocate(1), 0, 0f, ref.allocate(1), 0));
    }
}
