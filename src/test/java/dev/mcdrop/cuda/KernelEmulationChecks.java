package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.HostKeys;
import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.ReferenceBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kernels' logic without a GPU: the Java launchers (argument blocks, grid sizes) drive the
 * real native-kernels sources compiled for the CPU by g++ ({@link KernelEmulator}), and every
 * result is compared with {@link ReferenceBackend}; masks bit for bit. What this cannot show
 * (PTX/driver behaviour, real parallel races, speed) is left to CudaBackendTest on a GPU.
 * Run twice: {@link KernelEmulation32Test} (the usual 32-bit index paths) and
 * {@link KernelEmulation64Test} (the 64-bit paths taken by huge launches). Skipped when g++ is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KernelEmulationChecks {
    private Path dir;
    private KernelEmulator emu;
    private String unavailable;
    private final ReferenceBackend ref = new ReferenceBackend();

    /** True: run the kernels' 64-bit index paths (built with MCDROP_FORCE_INDEX64). */
    abstract boolean index64();

    @BeforeAll
    void build() throws Exception {
        dir = Files.createTempDirectory("mcdrop-kemu");
        String[] why = new String[1];
        emu = KernelEmulator.build(dir, index64(), why);
        unavailable = why[0];
    }

    @AfterAll
    void clean() throws Exception {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    @BeforeEach
    void requireEmulator() { assumeTrue(emu != null, unavailable); }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    /** Runs {@code op} on reference buffers holding copies of {@code inputs}; returns buffer {@code result} as floats. */
    private float[] reference(float[][] inputs, int result, Consumer<Buffer[]> op) {
        Buffer[] b = new Buffer[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            b[i] = ref.allocate(inputs[i].length);
            ref.upload(inputs[i], 0, b[i], 0, inputs[i].length);
        }
        op.accept(b);
        float[] out = new float[inputs[result].length];
        ref.download(b[result], 0, out, 0, out.length);
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + ": element " + i + " emulated " + actual[i] + " reference " + expected[i]);
            }
        }
    }

    @Test
    void builtinGemm() {
        GemmKernel gemm = new GemmKernel(emu);
        Random rnd = new Random(11);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {64, 64, 16}, {65, 70, 17}, {20, 130, 33}};
        for (int[] s : shapes)
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2], off = 1 + rnd.nextInt(3);
                float beta = t == 3 ? 0.5f : 0f;
                float[] a = random(rnd, off + m * k), b = random(rnd, off + k * n), c = random(rnd, off + m * n);
                float[] expected = reference(new float[][] {a, b, c}, 2,
                        x -> ref.gemm(ta, tb, m, n, k, x[0], off, x[1], off, beta, x[2], off));
                float[] got = c.clone();
                gemm.gemm(ta, tb, m, n, k, emu.put(a) + 4L * off, emu.put(b) + 4L * off, beta, emu.put(got) + 4L * off);
                assertClose(expected, got, 1e-5, 2e-6 * k, "gemm " + m + "x" + n + "x" + k + " tA=" + ta + " tB=" + tb);
            }
    }

    /**
     * to_half and im2col_half: every 16-bit value bit-identical to an independent rounding (the JDK's
     * Float.floatToFloat16 for FP16; nearest-of-two-neighbours with ties to even for BF16), on edge
     * cases (ties, the subnormal and overflow boundaries, ±0, ±Inf) and on random bit patterns; NaN
     * must stay NaN.
     */
    @Test
    void sixteenBitStorage() {
        Im2colKernels layout = new Im2colKernels(emu);
        Random rnd = new Random(16);
        float[] edges = {0f, -0f, 1f, -1f, 65504f, 65519.996f, 65520f, -65520f, 65536f, 1e10f, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0x1p-14f, 0x1.ffcp-15f, 0x1.ffep-15f,
                0x1p-24f, 0x1p-25f, 0x1.000002p-25f, 0x1.8p-24f, 0x1.8p-25f, 0x1.4p-23f, Float.MIN_VALUE, -0x1p-26f,
                1f + 0x1p-11f, 1f + 0x3p-11f, 1f + 0x1p-8f, 1f + 0x3p-8f, 0x1.fffffep127f, 0x1.ff8p127f, 3.3895314e38f};
        for (boolean bf16 : new boolean[] {false, true}) {
            float[] src = new float[edges.length + 1000];
            System.arraycopy(edges, 0, src, 0, edges.length);
            for (int i = edges.length; i < src.length; i++) src[i] = Float.intBitsToFloat(rnd.nextInt());
            // as a [rows][width] matrix written with padded rows: values in place, padding zero
            int width = 29, rows = (src.length + width - 1) / width, stride = 32;
            src = Arrays.copyOf(src, rows * width);
            float[] dst = random(rnd, rows * stride / 2);
            layout.toHalf(emu.put(src), rows, width, stride, emu.put(dst), bf16);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < stride; c++) {
                    int got = halfAt(dst, r * stride + c);
                    if (c >= width) assertEquals(0, got, "to_half padding at row " + r + " column " + c);
                    else checkHalf(src[r * width + c], got, bf16, "to_half " + (bf16 ? "bf16" : "fp16") + " of " + src[r * width + c]);
                }
            }
            for (int trial = 0; trial < 4; trial++) {
                int k = 1 + rnd.nextInt(4);
                ConvGeometry g = new ConvGeometry(1 + rnd.nextInt(3), k + rnd.nextInt(6), k + rnd.nextInt(6),
                        2, k, 1 + rnd.nextInt(k), 1 + rnd.nextInt(2), rnd.nextInt(3));
                int columns = 1 + rnd.nextInt(3);
                float[] in = random(rnd, g.inChannels() * columns * g.inPlane());
                for (int i = 0; i < in.length; i += 3) in[i] *= 1e-6f; // values near the FP16 subnormal range too
                float[] cols = new float[g.patchSize() * columns * g.outPlane()];
                float[] want = reference(new float[][] {in, cols}, 1, x -> ref.im2col(x[0], 0, g, columns, x[1], 0));
                float[] half = new float[(want.length + 1) / 2];
                layout.im2colHalf(emu.put(in), g, columns, emu.put(half), bf16);
                for (int i = 0; i < want.length; i++) checkHalf(want[i], halfAt(half, i), bf16, "im2col_half " + g + " at " + i);
            }
        }
    }

    /** The 16-bit value at index i of an array holding two per float (little-endian, as on the GPU). */
    private static int halfAt(float[] packed, int i) {
        return (Float.floatToRawIntBits(packed[i / 2]) >>> (16 * (i % 2))) & 0xffff;
    }

    private static void checkHalf(float x, int got, boolean bf16, String what) {
        if (Float.isNaN(x)) {
            boolean nan = bf16 ? (got & 0x7f80) == 0x7f80 && (got & 0x7f) != 0 : (got & 0x7c00) == 0x7c00 && (got & 0x3ff) != 0;
            assertTrue(nan, what + ": NaN became 0x" + Integer.toHexString(got));
            return;
        }
        int want = bf16 ? bf16Nearest(x) : Float.floatToFloat16(x) & 0xffff;
        assertEquals(want, got, what + String.format(": want 0x%04x, got 0x%04x", want, got));
    }

    /** bfloat16 bits of a non-NaN float: the nearer of the two bfloat16 neighbours (exact in double), ties to even. */
    private static int bf16Nearest(float x) {
        int u = Float.floatToRawIntBits(x), low = u & 0xffff0000, high = low + 0x10000;
        if ((u & 0xffff) == 0) return low >>> 16;
        double dl = Math.abs((double) x - Float.intBitsToFloat(low));
        double dh = (high & 0x7fffffff) == 0x7f800000 ? Math.abs(Math.scalb(1.0, 128) * Math.signum(x) - x) // Inf: 2^128 by RNE
                : Math.abs(Float.intBitsToFloat(high) - (double) x);
        if (dl != dh) return (dl < dh ? low : high) >>> 16;
        return ((low >>> 16) & 1) == 0 ? low >>> 16 : high >>> 16;
    }

    @Test
    void im2colAndFlatten() {
        Im2colKernels layout = new Im2colKernels(emu);
        Random rnd = new Random(12);
        for (int trial = 0; trial < 8; trial++) {
            int k = 1 + rnd.nextInt(4);
            ConvGeometry g = new ConvGeometry(1 + rnd.nextInt(3), k + rnd.nextInt(6), k + rnd.nextInt(6),
                    2, k, 1 + rnd.nextInt(k), 1 + rnd.nextInt(2), rnd.nextInt(3));
            int columns = 1 + rnd.nextInt(3), off = rnd.nextInt(3);
            float[] in = random(rnd, off + g.inChannels() * columns * g.inPlane());
            float[] cols = random(rnd, off + g.patchSize() * columns * g.outPlane());
            float[] expected = reference(new float[][] {in, cols}, 1, x -> ref.im2col(x[0], off, g, columns, x[1], off));
            layout.im2col(emu.put(in) + 4L * off, g, columns, emu.put(cols) + 4L * off);
            assertClose(expected, cols, 0, 0, "im2col " + g + " columns " + columns);

            int channels = 1 + rnd.nextInt(4), plane = 1 + rnd.nextInt(9);
            float[] src = random(rnd, off + channels * columns * plane), dst = random(rnd, src.length);
            float[] flat = reference(new float[][] {src, dst}, 1, x -> ref.flatten(x[0], off, channels, columns, plane, x[1], off));
            layout.flatten(emu.put(src) + 4L * off, channels, columns, plane, emu.put(dst) + 4L * off);
            assertClose(flat, dst, 0, 0, "flatten");
        }
    }

    @Test
    void biasActivationAndDropout() {
        BiasActivationKernels pointwise = new BiasActivationKernels(emu);
        Random rnd = new Random(13);
        for (int trial = 0; trial < 12; trial++) {
            int channels = 1 + rnd.nextInt(5), columns = 1 + rnd.nextInt(5), plane = 1 + rnd.nextInt(11);
            Activation act = trial % 2 == 0 ? Activation.RELU : Activation.IDENTITY;
            MaskSpec mask = trial % 3 == 0 ? null : keyed(rnd, trial, new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.2f + 0.6f * rnd.nextFloat(),
                    trial % 3 == 2, new Pairs(rnd.nextInt(20), 1 + rnd.nextInt(4), rnd.nextInt(100))));
            int off = rnd.nextInt(3);
            float[] x = random(rnd, off + channels * columns * plane), bias = random(rnd, channels);
            float[] expected = reference(new float[][] {x, bias}, 0,
                    b -> ref.biasActivation(b[0], off, b[1], channels, columns, plane, act, mask));
            pointwise.biasActivation(emu.put(x) + 4L * off, emu.put(bias), channels, columns, plane, act, mask, keys(mask));
            assertClose(expected, x, 1e-6, 1e-7, "biasActivation " + act + " " + mask);
        }
    }

    @Test
    void expandDropoutMaskBitsAreExact() {
        BiasActivationKernels pointwise = new BiasActivationKernels(emu);
        Random rnd = new Random(14);
        for (int trial = 0; trial < 10; trial++) {
            int images = 1 + rnd.nextInt(4), channels = 1 + rnd.nextInt(5), plane = 1 + rnd.nextInt(13);
            int columns = 1 + rnd.nextInt(3 * images + 1);
            MaskSpec mask = keyed(rnd, trial / 2, new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.1f + 0.8f * rnd.nextFloat(), trial % 2 == 1,
                    new Pairs(rnd.nextInt(30), images, rnd.nextInt(1000))));
            float[] ones = new float[channels * images * plane];
            Arrays.fill(ones, 1f);
            float[] dst = random(rnd, channels * columns * plane);
            pointwise.expandDropout(emu.put(ones), emu.put(dst), channels, columns, plane, mask, keys(mask));
            for (int c = 0; c < channels; c++)
                for (int n = 0; n < columns; n++)
                    for (int i = 0; i < plane; i++) {
                        float expected = mask.keep(n, c, (long) c * plane + i) ? mask.scale() : 0f;
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[(c * columns + n) * plane + i]),
                                "mask c=" + c + " n=" + n + " i=" + i + " " + mask);
                    }
            float[] src = random(rnd, channels * images * plane), out = new float[dst.length];
            float[] expected = reference(new float[][] {src, out}, 1,
                    b -> ref.expandDropout(b[0], 0, b[1], 0, channels, columns, plane, mask));
            pointwise.expandDropout(emu.put(src), emu.put(out), channels, columns, plane, mask, keys(mask));
            assertClose(expected, out, 1e-6, 1e-7, "expandDropout " + mask);
        }
    }

    /** On odd trials, {@code mask} with a table of random image keys (0, negative and large ones included) instead of positions. */
    private static MaskSpec keyed(Random rnd, int trial, MaskSpec mask) {
        if (trial % 2 == 0) return mask;
        int[] keys = new int[mask.pairs().batchImages()];
        for (int b = 0; b < keys.length; b++) keys[b] = b == 0 ? 0 : rnd.nextInt();
        return new MaskSpec(mask.seed(), mask.layer(), mask.p(), mask.perChannel(), mask.pairs(), HostKeys.of(keys));
    }

    /** The emulated device copy of the mask's key table (its 32-bit words), or 0 for keys by position. */
    private long keys(MaskSpec mask) {
        if (mask == null || mask.imageKeys() == null) return 0;
        HostKeys table = (HostKeys) mask.imageKeys();
        float[] words = new float[(int) table.size()];
        for (int b = 0; b < words.length; b++) words[b] = Float.intBitsToFloat(table.key(b));
        return emu.put(words);
    }

    /** Max (even trials) or average pooling of a plane of up to 11×11, kernel 1–3, stride 1–2. */
    private static PoolGeometry smallPoolGeometry(Random rnd, int trial) {
        int kernel = 1 + rnd.nextInt(3);
        return new PoolGeometry(trial % 2 == 0 ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE,
                kernel + rnd.nextInt(9), kernel + rnd.nextInt(9), kernel, 1 + rnd.nextInt(2));
    }

    @Test
    void probabilityZeroKeepsEveryValueWithoutDrawing() {
        // the standard pass runs the dropout kernels with p = 0: they skip Philox and must keep every value exactly
        BiasActivationKernels pointwise = new BiasActivationKernels(emu);
        Random rnd = new Random(19);
        int images = 3, channels = 4, columns = 7, plane = 30;
        MaskSpec keepAll = new MaskSpec(5, 1, 0f, false, new Pairs(2, images, 9));
        float[] src = random(rnd, channels * images * plane), dst = random(rnd, channels * columns * plane);
        pointwise.expandDropout(emu.put(src), emu.put(dst), channels, columns, plane, keepAll, keys(keepAll));
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++)
                    assertEquals(Float.floatToRawIntBits(src[(c * images + keepAll.pairs().batchIndexOf(n)) * plane + i]),
                            Float.floatToRawIntBits(dst[(c * columns + n) * plane + i]), "c " + c + " n " + n + " i " + i);
        PoolGeometry g = new PoolGeometry(PoolGeometry.PoolKind.MAX, 5, 6, 2, 2);
        float[] pooled = random(rnd, channels * columns * g.outHeight() * g.outWidth());
        pointwise.expandDropoutPool(emu.put(src), emu.put(pooled), channels, columns, g, keepAll, keys(keepAll));
        float[] expected = reference(new float[][] {src, new float[channels * columns * plane], pooled}, 2,
                b -> ref.expandDropoutPool(b[0], 0, channels, columns, g, keepAll, b[1], b[2], 0));
        assertClose(expected, pooled, 0, 0, "expandDropoutPool with p = 0");
    }

    @Test
    void expandDropoutPoolIsExpandThenPoolBitForBit() {
        BiasActivationKernels pointwise = new BiasActivationKernels(emu);
        PoolKernels pooling = new PoolKernels(emu);
        Random rnd = new Random(16);
        for (int trial = 0; trial < 8; trial++) {
            PoolGeometry g = smallPoolGeometry(rnd, trial);
            int images = 1 + rnd.nextInt(3), channels = 1 + rnd.nextInt(4), columns = 1 + rnd.nextInt(2 * images + 1);
            int plane = g.height() * g.width(), outPlane = g.outHeight() * g.outWidth();
            MaskSpec mask = keyed(rnd, trial, new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.1f + 0.8f * rnd.nextFloat(), trial % 4 == 3,
                    new Pairs(rnd.nextInt(30), images, rnd.nextInt(1000))));
            float[] src = random(rnd, channels * images * plane);
            float[] masked = new float[channels * columns * plane], twoOps = new float[channels * columns * outPlane];
            pointwise.expandDropout(emu.put(src), emu.put(masked), channels, columns, plane, mask, keys(mask));
            pooling.pool(emu.put(masked), g, channels * columns, emu.put(twoOps));
            float[] fused = random(rnd, twoOps.length);
            pointwise.expandDropoutPool(emu.put(src), emu.put(fused), channels, columns, g, mask, keys(mask));
            for (int i = 0; i < fused.length; i++)
                assertEquals(Float.floatToRawIntBits(twoOps[i]), Float.floatToRawIntBits(fused[i]),
                        "element " + i + " of " + g + " channels " + channels + " columns " + columns + " " + mask);
        }
    }

    @Test
    void biasActivationPoolIsBiasActivationThenPoolBitForBit() {
        BiasActivationKernels pointwise = new BiasActivationKernels(emu);
        PoolKernels pooling = new PoolKernels(emu);
        Random rnd = new Random(18);
        for (int trial = 0; trial < 9; trial++) {
            PoolGeometry g = smallPoolGeometry(rnd, trial);
            int channels = 1 + rnd.nextInt(4), columns = 1 + rnd.nextInt(5), plane = g.height() * g.width();
            int outPlane = g.outHeight() * g.outWidth();
            Activation act = trial % 3 == 0 ? Activation.IDENTITY : Activation.RELU;
            MaskSpec mask = trial % 3 == 1 ? null : keyed(rnd, trial, new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.1f + 0.8f * rnd.nextFloat(),
                    trial % 3 == 2 && trial > 4, new Pairs(rnd.nextInt(30), 1 + rnd.nextInt(3), rnd.nextInt(1000))));
            float[] x = random(rnd, channels * columns * plane), bias = random(rnd, channels);
            float[] inPlace = x.clone(), twoOps = new float[channels * columns * outPlane];
            pointwise.biasActivation(emu.put(inPlace), emu.put(bias), channels, columns, plane, act, mask, keys(mask));
            pooling.pool(emu.put(inPlace), g, channels * columns, emu.put(twoOps));
            float[] fused = random(rnd, twoOps.length);
            pointwise.biasActivationPool(emu.put(x), emu.put(bias), channels, columns, g, act, mask, keys(mask), emu.put(fused));
            for (int i = 0; i < fused.length; i++)
                assertEquals(Float.floatToRawIntBits(twoOps[i]), Float.floatToRawIntBits(fused[i]),
                        "element " + i + " of " + g + " " + act + " " + mask);
        }
    }

    @Test
    void implicitConvolutionMatchesReference() {
        ConvKernel conv = new ConvKernel(emu);
        Random rnd = new Random(17);
        // cin, h, w, cout, k, stride, pad, columns: K = 27 (not a multiple of 8), 70 channels (two tile
        // rows), 1×1 kernels, 256 + 44 output columns (three 128-column tiles, the last partial)
        int[][] cases = {{3, 9, 7, 70, 3, 2, 1, 3}, {4, 5, 5, 6, 1, 1, 0, 12}, {2, 8, 8, 5, 5, 1, 2, 3}};
        for (int[] c : cases) {
            ConvGeometry g = new ConvGeometry(c[0], c[1], c[2], c[3], c[4], c[4], c[5], c[6]);
            int columns = c[7];
            float[] in = random(rnd, g.inChannels() * columns * g.inPlane()), w = random(rnd, g.outChannels() * g.patchSize());
            float[] out = random(rnd, g.outChannels() * columns * g.outPlane());
            float[] cols = new float[g.patchSize() * columns * g.outPlane()];
            float[] expected = reference(new float[][] {in, w, cols, out}, 3,
                    b -> ref.conv2d(b[0], 0, g, columns, b[1], b[2], b[3], 0));
            conv.conv2d(emu.put(in), g, columns, emu.put(w), emu.put(out));
            assertClose(expected, out, 1e-5, 2e-6 * g.patchSize(), "implicit conv2d " + g + " columns " + columns);
        }
    }

    /**
     * conv2d_implicit_f16 with its weights from to_half: the float64 convolution of the FP16-rounded
     * inputs (Java's own binary16 rounding), up to float summation, i.e. the tensor cores change
     * nothing but the order of the k-sum; rows and columns past the tile edges stay untouched.
     */
    @Test
    void implicitFp16ConvolutionMatchesRoundedReference() {
        ConvKernel conv = new ConvKernel(emu);
        Im2colKernels layout = new Im2colKernels(emu);
        Random rnd = new Random(18);
        // cin, h, w, cout, k, stride, pad, columns: K = 27 (one partial 32-slice), 70 channels (two tile rows),
        // 1×1, LeNet's conv2 (K = 500, 16 slices), 300 output columns (three 128-column tiles, the last partial)
        int[][] cases = {{3, 9, 7, 70, 3, 2, 1, 3}, {4, 5, 5, 6, 1, 1, 0, 12}, {20, 12, 12, 50, 5, 1, 0, 1}, {2, 8, 8, 5, 5, 1, 2, 3}};
        for (int[] c : cases) {
            ConvGeometry g = new ConvGeometry(c[0], c[1], c[2], c[3], c[4], c[4], c[5], c[6]);
            int columns = c[7], stride = ConvKernel.halfWeightStride(g);
            float[] in = random(rnd, g.inChannels() * columns * g.inPlane()), w = random(rnd, g.outChannels() * g.patchSize());
            float[] out = random(rnd, g.outChannels() * columns * g.outPlane() + 5);  // 5 past the end: must stay
            float[] tail = java.util.Arrays.copyOfRange(out, out.length - 5, out.length);
            float[] w16 = random(rnd, (g.outChannels() * stride + 1) / 2);
            float[] cols = new float[g.patchSize() * columns * g.outPlane()];
            float[] inRounded = fp16(in), wRounded = fp16(w);
            float[] expected = reference(new float[][] {inRounded, wRounded, cols, out}, 3,
                    b -> ref.conv2d(b[0], 0, g, columns, b[1], b[2], b[3], 0));
            long w16At = emu.put(w16);
            layout.toHalf(emu.put(w), g.outChannels(), g.patchSize(), stride, w16At, false);
            conv.conv2dHalf(emu.put(in), g, columns, w16At, emu.put(out));
            assertClose(java.util.Arrays.copyOf(expected, expected.length - 5), java.util.Arrays.copyOf(out, out.length - 5),
                    1e-5, 2e-6 * g.patchSize(), "fp16 implicit conv2d " + g + " columns " + columns);
            assertArrayEquals(tail, java.util.Arrays.copyOfRange(out, out.length - 5, out.length), "written past the output");
        }
    }

    private static float[] fp16(float[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        return r;
    }

    @Test
    void poolSoftmaxAndMcReduce() {
        Random rnd = new Random(15);
        PoolKernels pooling = new PoolKernels(emu);
        for (int trial = 0; trial < 6; trial++) {
            int kernel = 1 + rnd.nextInt(3);
            PoolGeometry g = new PoolGeometry(trial % 2 == 0 ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE,
                    kernel + rnd.nextInt(6), kernel + rnd.nextInt(6), kernel, 1 + rnd.nextInt(3));
            int planes = 1 + rnd.nextInt(5), off = rnd.nextInt(3);
            float[] in = random(rnd, off + planes * g.height() * g.width());
            float[] out = random(rnd, off + planes * g.outHeight() * g.outWidth());
            float[] expected = reference(new float[][] {in, out}, 1, b -> ref.pool(b[0], off, g, planes, b[1], off));
            pooling.pool(emu.put(in) + 4L * off, g, planes, emu.put(out) + 4L * off);
            assertClose(expected, out, 1e-6, 1e-7, "pool " + g);
        }

        SoftmaxKernel softmax = new SoftmaxKernel(emu);
        int classes = 7, columns = 23;
        float[] logits = random(rnd, classes * columns);
        for (int i = 0; i < logits.length; i++) logits[i] *= 30;
        float[] probs = new float[logits.length];
        float[] expected = reference(new float[][] {logits, probs}, 1, b -> ref.softmax(b[0], 0, classes, columns, b[1], 0));
        softmax.softmax(emu.put(logits), classes, columns, emu.put(probs));
        assertClose(expected, probs, 1e-5, 1e-7, "softmax");

        McReduceKernel reduce = new McReduceKernel(emu);
        int images = 3, samples = 5, total = images * samples, k = 4;
        float[] all = random(rnd, k * total);
        for (int i = 0; i < all.length; i++) all[i] *= 6;
        float[] acc = new float[images * McAccumulators.width(k)];
        Buffer refAcc = ref.allocate(acc.length);
        long accAddress = emu.put(acc);
        for (int first = 0; first < total; ) {
            int chunk = Math.min(total - first, 1 + rnd.nextInt(7));
            float[] part = new float[k * chunk];
            for (int c = 0; c < k; c++)
                for (int n = 0; n < chunk; n++) part[c * chunk + n] = all[c * total + first + n];
            Pairs pairs = new Pairs(first, images, 40);
            Buffer refPart = ref.allocate(part.length);
            ref.upload(part, 0, refPart, 0, part.length);
            ref.mcAccumulate(refPart, 0, k, chunk, pairs, refAcc);
            reduce.accumulate(emu.put(part), k, chunk, pairs, accAddress);
            first += chunk;
        }
        float[] refOut = new float[acc.length];
        ref.download(refAcc, 0, refOut, 0, refOut.length);
        assertClose(refOut, acc, 1e-5, 1e-6, "mcAccumulate");
    }

    /** The graph ops' kernels: epilogue, binary, any-window im2col / convolutions (grouped, depthwise) and pools. */
    @Test
    void graphOps() {
        GraphKernelChecks checks = new GraphKernelChecks(emu);
        checks.epilogue();
        checks.binary();
        checks.convolutions();
        checks.pools();
    }
}
