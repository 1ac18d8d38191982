package dev.mcdrop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU's convolutions and pools on graph geometries (groups, depthwise, 1×1, dilations,
 * asymmetric pads, rectangular kernels and strides, ceil mode, count_include_pad, global pools)
 * against the float64 ReferenceBackend, with 1 and 3 threads; im2col of one group exactly; the
 * fused dropout-pool ops equal to their two ops bit for bit on such pools.
 */
class CpuGraphConvPoolTest {
    private static final int[] THREADS = {1, 3};

    private static Window randomWindow(Random r, int maxKernel, int maxStride, int maxDilation, int maxPad) {
        return new Window(1 + r.nextInt(maxKernel), 1 + r.nextInt(maxKernel), 1 + r.nextInt(maxStride), 1 + r.nextInt(maxStride),
                r.nextInt(maxPad + 1), r.nextInt(maxPad + 1), r.nextInt(maxPad + 1), r.nextInt(maxPad + 1),
                1 + r.nextInt(maxDilation), 1 + r.nextInt(maxDilation));
    }

    /** An input side that fits the window's span, sometimes wider than a 16-float vector row. */
    private static int side(Random r, long span, int padding) {
        return (int) Math.max(1, span - padding + r.nextInt(r.nextInt(4) == 0 ? 40 : 10));
    }

    private static ConvGeometry conv(Random r, int groups, int groupIn, int groupOut, Window w) {
        int h = side(r, w.spanHeight(), w.padTop() + w.padBottom()), width = side(r, w.spanWidth(), w.padLeft() + w.padRight());
        return new ConvGeometry(groups * groupIn, h, width, groups * groupOut, w, groups);
    }

    /** Random graph convolutions of every kind the CPU dispatches on. */
    private static List<ConvGeometry> geometries(Random r) {
        List<ConvGeometry> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // grouped, any window
            all.add(conv(r, 1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(5), randomWindow(r, 4, 3, 2, 2)));
        }
        for (int i = 0; i < 6; i++) { // depthwise, multiplier 1 or 2, any window
            int channels = 1 + r.nextInt(9);
            all.add(conv(r, channels, 1, 1 + r.nextInt(2), randomWindow(r, 5, 3, 3, 2)));
        }
        for (int stride = 1; stride <= 2; stride++) { // MobileNet's 3×3 depthwise, pad 1
            int side = 5 + r.nextInt(40);
            all.add(new ConvGeometry(8, side, side, 8, Window.square(3, stride, 1), 8));
        }
        for (int i = 0; i < 3; i++) { // pointwise
            all.add(new ConvGeometry(1 + r.nextInt(40), 1 + r.nextInt(20), 1 + r.nextInt(20), 1 + r.nextInt(40), Window.kernel(1, 1), 1));
        }
        all.add(conv(r, 1, 6, 5, Window.kernel(1, 1).strides(2, 2)));                    // ResNet's strided 1×1 shortcut
        all.add(conv(r, 1, 3, 4, Window.kernel(3, 3).dilations(2, 2).pads(2, 2, 2, 2)));   // dilated, one group
        all.add(conv(r, 1, 2, 3, Window.kernel(2, 5).strides(1, 2).pads(0, 2, 1, 0)));     // asymmetric, rectangular
        all.add(conv(r, 2, 160, 3, Window.kernel(2, 2).pads(1, 0, 0, 1)));                 // groups with K > Sgemm.KC
        return all;
    }

    @Test
    void convolutionsMatchReferenceOnRandomGraphGeometries() {
        for (int threads : THREADS)
            for (long seed = 1; seed <= 2; seed++)
                try (BackendPair b = new BackendPair(threads, 100 + seed)) {
                    for (ConvGeometry g : geometries(b.random)) {
                        int columns = 1 + b.random.nextInt(g.inPlane() > 400 ? 3 : 12);
                        var in = b.randomTwin(2 + g.inChannels() * columns * g.inPlane(), 1f);
                        var weight = b.randomTwin(g.outChannels() * g.patchSize(), 1f);
                        var out = b.randomTwin(1 + g.outChannels() * columns * g.outPlane(), 7f); // stale values must go
                        var refScratch = b.ref.allocate((long) g.patchSize() * columns * g.outPlane());
                        b.cpu.conv2d(in.cpu(), 2, g, columns, weight.cpu(), null, out.cpu(), 1);
                        b.ref.conv2d(in.ref(), 2, g, columns, weight.ref(), refScratch, out.ref(), 1);
                        float[] got = b.cpuValues(out), want = b.refValues(out);
                        for (int i = 0; i < got.length; i++) {
                            double tolerance = 1e-5 * Math.abs(want[i]) + 1e-6 * g.patchSize();
                            if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
                                fail(g + " columns " + columns + " threads " + threads + ": element " + i + " cpu " + got[i] + " reference " + want[i]);
                            }
                        }
                    }
                }
    }

    /**
     * The implicit-GEMM and pointwise paths pack the very values im2col writes, so each group's
     * output is the explicit im2col + gemm's bit for bit (the chain's convolutions keep their bits).
     */
    @Test
    void gemmConvolutionsEqualIm2colThenGemmPerGroupBitForBit() {
        try (BackendPair b = new BackendPair(3, 17)) {
            for (ConvGeometry g : geometries(b.random)) {
                if (g.isDepthwise()) continue; // its own kernel: compared with the reference above
                int columns = 1 + b.random.nextInt(6), n = columns * g.outPlane();
                var in = b.randomTwin(g.inChannels() * columns * g.inPlane(), 1f);
                var weight = b.randomTwin(g.outChannels() * g.patchSize(), 1f);
                var implicit = b.randomTwin(g.outChannels() * n, 1f);
                var explicit = b.randomTwin(g.outChannels() * n, 1f);
                var cols = b.cpu.allocate((long) g.patchSize() * n);
                b.cpu.conv2d(in.cpu(), 0, g, columns, weight.cpu(), null, implicit.cpu(), 0);
                for (int group = 0; group < g.groups(); group++) {
                    b.cpu.im2col(in.cpu(), (long) group * g.groupInChannels() * columns * g.inPlane(), g, columns, cols, 0);
                    b.cpu.gemm(false, false, g.groupOutChannels(), n, g.patchSize(), weight.cpu(), (long) group * g.groupOutChannels() * g.patchSize(),
                            cols, 0, 0f, explicit.cpu(), (long) group * g.groupOutChannels() * n);
                }
                assertBits(b.cpuValues(explicit), b.cpuValues(implicit), "conv2d " + g + " columns " + columns);
            }
        }
    }

    @Test
    void im2colOfOneGroupMatchesReferenceExactly() {
        try (BackendPair b = new BackendPair(3, 7)) {
            for (ConvGeometry g : geometries(b.random)) {
                if ((long) g.patchSize() * g.outPlane() > 200_000) continue;
                int columns = 1 + b.random.nextInt(4), group = b.random.nextInt(g.groups());
                long groupOffset = 3 + (long) group * g.groupInChannels() * columns * g.inPlane();
                var in = b.randomTwin(3 + g.inChannels() * columns * g.inPlane(), 1f);
                var cols = b.randomTwin(1 + g.patchSize() * columns * g.outPlane(), 9f);
                b.cpu.im2col(in.cpu(), groupOffset, g, columns, cols.cpu(), 1);
                b.ref.im2col(in.ref(), groupOffset, g, columns, cols.ref(), 1);
                b.assertClose(cols, 0, 0, "im2col " + g + " group " + group);
            }
        }
    }

    @Test
    void conv2dOwnBytesAreNoneForPointwiseAndDepthwiseAndThePanelTablesOtherwise() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            assertEquals(0, cpu.conv2dOwnBytesPerColumn(new ConvGeometry(8, 7, 7, 16, Window.kernel(1, 1), 1)));
            assertEquals(0, cpu.conv2dOwnBytesPerColumn(new ConvGeometry(8, 7, 7, 8, Window.square(3, 1, 1), 8)));
            ConvGeometry grouped = new ConvGeometry(8, 9, 9, 8, Window.square(3, 2, 1), 2);
            assertEquals(12L * grouped.outPlane(), cpu.conv2dOwnBytesPerColumn(grouped));
        }
    }

    /** Valid random pools of every option; the constructor's refusals are skipped. */
    private static List<PoolGeometry> pools(Random r) {
        List<PoolGeometry> all = new ArrayList<>();
        for (PoolGeometry.PoolKind kind : PoolGeometry.PoolKind.values()) {
            all.add(PoolGeometry.global(kind, 7, 7));
            all.add(PoolGeometry.global(kind, 1 + r.nextInt(30), 1 + r.nextInt(30)));
            all.add(new PoolGeometry(kind, 112, 112, Window.square(3, 2, 1), false, false));  // ResNet's stem max pool
            all.add(new PoolGeometry(kind, 9, 9, Window.square(3, 2, 1), true, true));       // ceil mode, counting pads
            while (all.size() % 12 != 0) {
                Window w = randomWindow(r, 4, 3, 2, 2);
                int h = side(r, w.spanHeight(), w.padTop() + w.padBottom()), width = side(r, w.spanWidth(), w.padLeft() + w.padRight());
                try {
                    PoolGeometry g = new PoolGeometry(kind, h, width, w, r.nextBoolean(), r.nextBoolean());
                    if (everyWindowSeesTheImage(g)) all.add(g);
                } catch (IllegalArgumentException refused) {
                    // padding as wide as the window, or no output: not a pool
                }
            }
        }
        assertTrue(all.stream().anyMatch(p -> p.window().hasPadding() && p.countIncludePad() && !p.isGlobal()));
        assertTrue(all.stream().anyMatch(p -> p.ceilMode() && !p.isSimple()));
        return all;
    }

    /**
     * False when a dilated window falls between the image's rows or columns (height 1, dilation 2,
     * one row of padding each side): the constructor lets that through, and the reference answers
     * NaN (average) or −∞ (max) for it, as the CPU does, but such a pool compares nothing.
     */
    private static boolean everyWindowSeesTheImage(PoolGeometry g) {
        Window w = g.window();
        for (int oy = 0; oy < g.outHeight(); oy++) {
            boolean any = false;
            for (int ky = 0; ky < w.kernelHeight(); ky++) {
                int y = oy * w.strideHeight() - w.padTop() + ky * w.dilationHeight();
                any |= y >= 0 && y < g.height();
            }
            if (!any) return false;
        }
        for (int ox = 0; ox < g.outWidth(); ox++) {
            boolean any = false;
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int x = ox * w.strideWidth() - w.padLeft() + kx * w.dilationWidth();
                any |= x >= 0 && x < g.width();
            }
            if (!any) return false;
        }
        return true;
    }

    @Test
    void everyPoolMatchesReference() {
        for (int threads : THREADS)
            for (long seed = 1; seed <= 2; seed++)
                try (BackendPair b = new BackendPair(threads, 200 + seed)) {
                    for (PoolGeometry g : pools(b.random)) {
                        int planes = 1 + b.random.nextInt(g.plane() > 1000 ? 4 : 40);
                        var in = b.randomTwin(1 + planes * g.plane(), 4f);
                        var out = b.randomTwin(2 + planes * g.outPlane(), 9f);
                        b.cpu.pool(in.cpu(), 1, g, planes, out.cpu(), 2);
                        b.ref.pool(in.ref(), 1, g, planes, out.ref(), 2);
                        b.assertClose(out, 1e-6, 1e-5, "pool " + g + " threads " + threads);
                    }
                }
    }

    @Test
    void fusedDropoutPoolsEqualTheirTwoOpsOnGraphPools() {
        try (BackendPair b = new BackendPair(3, 300)) {
            int trial = 0;
            for (PoolGeometry g : pools(b.random)) {
                if (g.plane() > 2000) continue;
                int channels = 3, columns = 5, images = 2, plane = g.plane(), outSize = channels * columns * g.outPlane();
                MaskSpec mask = new MaskSpec(9, 1, 0.5f, trial % 3 == 2, new Pairs(1, images, 4));
                Activation act = List.of(Activation.RELU, Activation.IDENTITY, Activation.leakyRelu(0.2f)).get(trial++ % 3);
                float[] x = b.random(channels * columns * plane, 2f);
                var bias = b.randomTwin(channels, 1f);
                var unfused = b.twin(x);
                var twoOps = b.twin(new float[outSize]);
                b.cpu.biasActivation(unfused.cpu(), 0, bias.cpu(), channels, columns, plane, act, mask);
                b.cpu.pool(unfused.cpu(), 0, g, channels * columns, twoOps.cpu(), 0);
                var fusedX = b.twin(x);
                var fused = b.twin(new float[outSize]);
                b.cpu.biasActivationPool(fusedX.cpu(), 0, bias.cpu(), channels, columns, g, act, mask, fused.cpu(), 0);
                assertBits(b.cpuValues(twoOps), b.cpuValues(fused), "biasActivationPool " + g + " " + act);
                b.ref.biasActivationPool(fusedX.ref(), 0, bias.ref(), channels, columns, g, act, mask, fused.ref(), 0);
                b.assertClose(fused, 1e-6, 1e-5, "biasActivationPool vs reference " + g + " " + act);

                var src = b.randomTwin(channels * images * plane, 2f);
                var via = b.twin(new float[channels * columns * plane]);
                var expandTwoOps = b.twin(new float[outSize]);
                var expandFused = b.twin(new float[outSize]);
                b.cpu.expandDropout(src.cpu(), 0, via.cpu(), 0, channels, columns, plane, mask);
                b.cpu.pool(via.cpu(), 0, g, channels * columns, expandTwoOps.cpu(), 0);
                b.cpu.expandDropoutPool(src.cpu(), 0, channels, columns, g, mask, null, expandFused.cpu(), 0);
                assertBits(b.cpuValues(expandTwoOps), b.cpuValues(expandFused), "expandDropoutPool " + g);
                b.ref.expandDropoutPool(src.ref(), 0, channels, columns, g, mask, via.ref(), expandFused.ref(), 0);
                b.assertClose(expandFused, 1e-6, 1e-5, "expandDropoutPool vs reference " + g);
            }
        }
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " element " + i);
        }
    }
}
