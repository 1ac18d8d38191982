package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.HostKeys;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.ReferenceBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ops graphs add to {@link CudaBackend} — epilogue, binary, copy, im2col / conv2d over general
 * windows with groups (depthwise directly), pooling over any {@link PoolGeometry} — against
 * {@link ReferenceBackend} (float64) on random shapes ({@link GraphShapes}); masks bit-identical to
 * {@link MaskSpec#keep}, with image keys by position and from a key table. Runs where a GPU is and,
 * in every build, on the fake driver (FakeDriverRun); skipped with the reason elsewhere.
 */
class CudaGraphOpsTest {
    private static CudaBackend cuda;
    private static String unavailable;
    private static final ReferenceBackend ref = new ReferenceBackend();
    private final List<Buffer> open = new ArrayList<>();

    @BeforeAll
    static void openGpu() {
        try {
            cuda = CudaBackend.open(CudaOptions.defaults());
        } catch (BackendUnavailableException e) {
            unavailable = e.getMessage();
        }
    }

    @BeforeEach
    void requireGpu() { assumeTrue(cuda != null, "CUDA backend unavailable: " + unavailable); }

    @AfterEach
    void closeBuffers() {
        open.forEach(Buffer::close);
        open.clear();
    }

    @AfterAll
    static void closeGpu() {
        if (cuda != null) cuda.close();
    }

    /** The same data on a CUDA backend and the reference. */
    private record Pair(Buffer gpu, Buffer ref, int size) {}

    private Pair pair(CudaBackend gpu, float[] data) {
        Buffer g = gpu.allocate(data.length), r = ref.allocate(data.length);
        gpu.upload(data, 0, g, 0, data.length);
        ref.upload(data, 0, r, 0, data.length);
        open.add(g);
        return new Pair(g, r, data.length);
    }

    private Pair pair(float[] data) { return pair(cuda, data); }

    private static float[] random(Random rnd, int size, float range) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (rnd.nextFloat() * 2 - 1) * range;
        return x;
    }

    private static float[] download(CudaBackend gpu, Buffer b, int size) {
        float[] out = new float[size];
        gpu.download(b, 0, out, 0, size);
        return out;
    }

    private static void assertClose(CudaBackend gpu, Pair p, double rtol, double atol, String what) {
        float[] g = download(gpu, p.gpu, p.size), r = new float[p.size];
        ref.download(p.ref, 0, r, 0, p.size);
        for (int i = 0; i < p.size; i++) {
            double tol = atol + rtol * Math.abs(r[i]);
            // equal infinities pass: a max pool whose window has no tap inside the input is -inf on both
            if (!(Math.abs(g[i] - r[i]) <= tol) && g[i] != r[i] && !(Float.isNaN(g[i]) && Float.isNaN(r[i]))) {
                fail(what + ": element " + i + " gpu " + g[i] + " reference " + r[i]);
            }
        }
    }

    /** A mask over {@code images} images; odd trials read image keys from a table (CUDA's copy in {@code gpuMask[0]}). */
    private MaskSpec[] masks(Random rnd, int trial, int images, boolean perChannel) {
        Pairs pairs = new Pairs(rnd.nextInt(50), images, rnd.nextInt(1000));
        long seed = rnd.nextLong();
        int layer = rnd.nextInt(8);
        float p = 0.1f + 0.8f * rnd.nextFloat();
        if (trial % 2 == 0) {
            MaskSpec m = new MaskSpec(seed, layer, p, perChannel, pairs);
            return new MaskSpec[] {m, m};
        }
        int[] keys = new int[images];
        for (int b = 0; b < images; b++) keys[b] = b == 0 ? 0 : rnd.nextInt();
        Buffer table = cuda.allocateKeys(images);
        open.add(table);
        cuda.uploadKeys(keys, images, table);
        return new MaskSpec[] {new MaskSpec(seed, layer, p, perChannel, pairs, table),
                new MaskSpec(seed, layer, p, perChannel, pairs, HostKeys.of(keys))};
    }

    @Test
    void epilogueMatchesReferenceForEveryActivationAndPart() {
        Random rnd = new Random(21);
        for (int trial = 0; trial < 40; trial++) {
            Activation act = GraphShapes.ACTIVATIONS[trial % GraphShapes.ACTIVATIONS.length];
            int channels = 1 + rnd.nextInt(7), columns = 1 + rnd.nextInt(6), plane = 1 + rnd.nextInt(40);
            int size = channels * columns * plane;
            Pair x = pair(random(rnd, size, 5f));
            Pair scale = rnd.nextBoolean() ? pair(random(rnd, channels, 2f)) : null;
            Pair bias = rnd.nextInt(4) > 0 ? pair(random(rnd, channels, 1f)) : null;
            Pair residual = rnd.nextBoolean() ? pair(random(rnd, size, 2f)) : null;
            MaskSpec[] mask = rnd.nextInt(3) > 0 ? masks(rnd, trial, 1 + rnd.nextInt(4), rnd.nextInt(4) == 0) : null;
            Epilogue onGpu = new Epilogue(scale == null ? null : scale.gpu, bias == null ? null : bias.gpu,
                    residual == null ? null : residual.gpu, act, mask == null ? null : mask[0]);
            Epilogue onRef = new Epilogue(scale == null ? null : scale.ref, bias == null ? null : bias.ref,
                    residual == null ? null : residual.ref, act, mask == null ? null : mask[1]);
            cuda.epilogue(x.gpu, channels, columns, plane, onGpu);
            ref.epilogue(x.ref, channels, columns, plane, onRef);
            // float against float64: a rounding per step (|x·scale + bias + residual| up to 13, so 1e-6 absolute
            // after cancellation, times a mask scale up to 10) and a few ulp for the transcendental activations
            assertClose(cuda, x, 1e-5, 1e-5, "epilogue " + act + " scale " + (scale != null) + " bias " + (bias != null)
                    + " residual " + (residual != null) + " " + (mask == null ? "no mask" : mask[1]));
            closeBuffers();
        }
    }

    @Test
    void epilogueMaskBitsAreExactAndPlainEpilogueIsBiasActivation() {
        Random rnd = new Random(22);
        for (int trial = 0; trial < 16; trial++) {
            int images = 1 + rnd.nextInt(4), channels = 1 + rnd.nextInt(6), columns = 1 + rnd.nextInt(3 * images);
            int plane = 1 + rnd.nextInt(50), size = channels * columns * plane;
            MaskSpec[] mask = masks(rnd, trial, images, trial % 4 == 3);
            float[] ones = new float[size];
            Arrays.fill(ones, 1f);
            Pair x = pair(ones);
            cuda.epilogue(x.gpu, channels, columns, plane, new Epilogue(null, null, null, Activation.IDENTITY, mask[0]));
            float[] got = download(cuda, x.gpu, size);
            for (int c = 0; c < channels; c++)
                for (int n = 0; n < columns; n++)
                    for (int i = 0; i < plane; i++) {
                        float expected = mask[1].keep(n, c, (long) c * plane + i) ? mask[1].scale() : 0f;
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[(c * columns + n) * plane + i]),
                                "mask bit c=" + c + " n=" + n + " i=" + i + " " + mask[1]);
                    }
            // bias + ReLU (+ mask): the same bits as biasActivation
            float[] data = random(rnd, size, 3f);
            Pair viaEpilogue = pair(data), viaBiasActivation = pair(data), bias = pair(random(rnd, channels, 1f));
            MaskSpec m = trial % 3 == 0 ? null : mask[0];
            cuda.epilogue(viaEpilogue.gpu, channels, columns, plane, Epilogue.of(bias.gpu, Activation.RELU, m));
            cuda.biasActivation(viaBiasActivation.gpu, 0, bias.gpu, channels, columns, plane, Activation.RELU, m);
            assertArrayEquals(download(cuda, viaBiasActivation.gpu, size), download(cuda, viaEpilogue.gpu, size),
                    "epilogue(bias, relu) vs biasActivation " + m);
            closeBuffers();
        }
    }

    @Test
    void binaryBroadcastsAndMayWriteADenseOperand() {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 60; trial++) {
            BinaryOp op = BinaryOp.values()[trial % 3];
            int channels = 1 + rnd.nextInt(5), columns = 1 + rnd.nextInt(5), plane = 1 + rnd.nextInt(30);
            int size = channels * columns * plane, ka = (trial / 3) % 5, kb = rnd.nextInt(5);
            Broadcast sa = GraphShapes.broadcast(ka, columns, plane), sb = GraphShapes.broadcast(kb, columns, plane);
            Pair a = pair(random(rnd, (int) sa.extent(channels, columns, plane), 4f));
            Pair b = pair(random(rnd, (int) sb.extent(channels, columns, plane), 4f));
            int target = trial % 4;  // 0, 1: a fresh out; 2: in place on a; 3: in place on b (when dense)
            Pair out = target == 2 && ka == 0 ? a : target == 3 && kb == 0 ? b : pair(random(rnd, size, 1f));
            cuda.binary(op, a.gpu, sa, b.gpu, sb, channels, columns, plane, out.gpu);
            ref.binary(op, a.ref, sa, b.ref, sb, channels, columns, plane, out.ref);
            // one float rounding of an exact double result: the same float
            assertClose(cuda, out, 0, 0, "binary " + op + " a " + sa + " b " + sb + (out == a ? " into a" : out == b ? " into b" : ""));
            closeBuffers();
        }
        Pair a = pair(new float[4]), b = pair(new float[8]);
        var e = assertThrows(IllegalArgumentException.class,
                () -> cuda.binary(BinaryOp.ADD, a.gpu, Broadcast.perChannel(), b.gpu, Broadcast.dense(2, 2), 4, 2, 1, a.gpu));
        assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
    }

    @Test
    void copiesBetweenAndWithinBuffers() {
        Random rnd = new Random(24);
        for (int trial = 0; trial < 20; trial++) {
            int size = 1 + rnd.nextInt(300), count = rnd.nextInt(size / 2 + 1);
            int from = rnd.nextInt(size - count + 1), to = rnd.nextInt(size - count + 1);
            Pair src = pair(random(rnd, size, 1f)), dst = pair(random(rnd, size, 1f));
            cuda.copy(src.gpu, from, dst.gpu, to, count);
            ref.copy(src.ref, from, dst.ref, to, count);
            assertClose(cuda, dst, 0, 0, "copy " + count + " from " + from + " to " + to);
            if (2 * count <= size && count > 0) {  // within one buffer: the first half to the second
                cuda.copy(src.gpu, 0, src.gpu, size - count, count);
                ref.copy(src.ref, 0, src.ref, size - count, count);
                assertClose(cuda, src, 0, 0, "copy within a buffer");
            }
            closeBuffers();
        }
        Pair p = pair(new float[10]);
        assertThrows(IllegalArgumentException.class, () -> cuda.copy(p.gpu, 0, p.gpu, 3, 5), "overlapping ranges");
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.copy(p.gpu, 6, p.gpu, 0, 5), "past the end");
    }

    @Test
    void im2colOfAnyWindowAndGroup() {
        Random rnd = new Random(25);
        for (int trial = 0; trial < 30; trial++) {
            ConvGeometry g = GraphShapes.conv(rnd, trial);
            int columns = 1 + rnd.nextInt(4), off = rnd.nextInt(3);
            Pair in = pair(random(rnd, off + g.groupInChannels() * columns * g.inPlane(), 1f));
            Pair cols = pair(random(rnd, off + g.patchSize() * columns * g.outPlane(), 1f));
            cuda.im2col(in.gpu, off, g, columns, cols.gpu, off);
            ref.im2col(in.ref, off, g, columns, cols.ref, off);
            assertClose(cuda, cols, 0, 0, "im2col " + g + " columns " + columns);
            closeBuffers();
        }
    }

    /**
     * Grouped, depthwise and dilated / padded convolutions on every path: im2col + cuBLAS, the built-in
     * GEMM, the implicit kernel (FP32 and FP16 tensor cores: one launch per group, the group's FP16
     * weight rows at their offset) and FP16 im2col storage (one group; grouped ones take FP32 storage).
     * The FP16 paths within the FP16 tolerance of CudaBackendTest, the others within float rounding.
     */
    @Test
    void convolutionsOfAnyWindowAndGroup() throws BackendUnavailableException {
        CudaOptions implicit = CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT);
        try (CudaBackend builtin = CudaBackend.open(CudaOptions.defaults().withCublas(false));
             CudaBackend implicit32 = CudaBackend.open(implicit);
             CudaBackend implicit16 = CudaBackend.open(implicit.withGemmPrecision(GemmPrecision.FP16));
             CudaBackend stored16 = CudaBackend.open(CudaOptions.defaults().withGemmPrecision(GemmPrecision.FP16))) {
            CudaBackend[] paths = {cuda, builtin, implicit32, implicit16, stored16};
            Random rnd = new Random(26);
            for (int trial = 0; trial < 30; trial++) {
                CudaBackend gpu = paths[trial / 3 % paths.length];
                boolean half = gpu == implicit16 || gpu == stored16;
                ConvGeometry g = GraphShapes.conv(rnd, trial);
                int columns = 1 + rnd.nextInt(4), off = rnd.nextInt(3);
                Pair in = pair(gpu, random(rnd, off + g.inChannels() * columns * g.inPlane(), 1f));
                Pair w = pair(gpu, random(rnd, g.outChannels() * g.patchSize(), 1f));
                Pair out = pair(gpu, random(rnd, off + g.outChannels() * columns * g.outPlane(), 1f));
                Pair scratch = pair(gpu, new float[g.patchSize() * columns * g.outPlane()]);
                gpu.conv2d(in.gpu, off, g, columns, w.gpu, scratch.gpu, out.gpu, off);
                ref.conv2d(in.ref, off, g, columns, w.ref, scratch.ref, out.ref, off);
                double atol = half && !g.isDepthwise() ? 3e-3 * Math.sqrt(g.patchSize()) : 2e-6 * g.patchSize();
                assertClose(gpu, out, half && !g.isDepthwise() ? 0 : 1e-5, atol, "conv2d " + g + " columns " + columns + " on " + gpu.describe());
                closeBuffers();
            }
        }
    }

    @Test
    void poolingOfAnyGeometry() {
        Random rnd = new Random(27);
        for (int trial = 0; trial < 40; trial++) {
            PoolGeometry g = GraphShapes.pool(rnd, trial);
            int planes = 1 + rnd.nextInt(6), off = rnd.nextInt(3);
            Pair in = pair(random(rnd, off + planes * g.plane(), 1f));
            Pair out = pair(random(rnd, off + planes * g.outPlane(), 1f));
            cuda.pool(in.gpu, off, g, planes, out.gpu, off);
            ref.pool(in.ref, off, g, planes, out.ref, off);
            assertClose(cuda, out, 1e-6, 1e-7, "pool " + g + (g.ceilMode() ? " ceil" : "") + (g.countIncludePad() ? " count_include_pad" : ""));
            closeBuffers();
        }
    }

    /** The fused dropout + pool ops over a geometry their shared-memory kernels do not know (padded, dilated): the two ops. */
    @Test
    void fusedPoolingOpsTakeAnyGeometry() {
        Random rnd = new Random(28);
        for (int trial = 0; trial < 8; trial++) {
            PoolGeometry g = GraphShapes.pool(rnd, trial);
            int images = 1 + rnd.nextInt(3), channels = 1 + rnd.nextInt(4), columns = 1 + rnd.nextInt(2 * images);
            MaskSpec[] mask = masks(rnd, trial, images, false);
            Pair src = pair(random(rnd, channels * images * g.plane(), 1f));
            Pair via = pair(new float[channels * columns * g.plane()]);
            Pair dst = pair(random(rnd, channels * columns * g.outPlane(), 1f));
            cuda.expandDropoutPool(src.gpu, 0, channels, columns, g, mask[0], via.gpu, dst.gpu, 0);
            ref.expandDropoutPool(src.ref, 0, channels, columns, g, mask[1], via.ref, dst.ref, 0);
            assertClose(cuda, dst, 1e-6, 1e-7, "expandDropoutPool " + g);
            Pair x = pair(random(rnd, channels * columns * g.plane(), 1f)), bias = pair(random(rnd, channels, 1f));
            cuda.biasActivationPool(x.gpu, 0, bias.gpu, channels, columns, g, Activation.RELU, mask[0], dst.gpu, 0);
            ref.biasActivationPool(x.ref, 0, bias.ref, channels, columns, g, Activation.RELU, mask[1], dst.ref, 0);
            assertClose(cuda, dst, 1e-6, 1e-7, "biasActivationPool " + g);
            closeBuffers();
        }
    }
}
