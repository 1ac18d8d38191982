package dev.mcdrop.cpu;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every CpuBackend op against the float64 ReferenceBackend on random, deliberately awkward shapes. */
class CpuBackendTest {

    @Test
    void gemmMatchesReferenceForAllTransposesAndBetas() {
        try (BackendPair b = new BackendPair(2, 1)) {
            for (int trial = 0; trial < 24; trial++) {
                int m = 1 + b.random.nextInt(70), n = 1 + b.random.nextInt(150), k = 1 + b.random.nextInt(400);
                boolean ta = (trial & 1) != 0, tb = (trial & 2) != 0;
                float beta = (trial & 4) != 0 ? 1f : 0f;
                int ao = b.random.nextInt(4), bo = b.random.nextInt(4), co = b.random.nextInt(4);
                var a = b.randomTwin(ao + m * k, 1f);
                var bm = b.randomTwin(bo + k * n, 1f);
                var c = b.randomTwin(co + m * n, 1f);
                b.cpu.gemm(ta, tb, m, n, k, a.cpu(), ao, bm.cpu(), bo, beta, c.cpu(), co);
                b.ref.gemm(ta, tb, m, n, k, a.ref(), ao, bm.ref(), bo, beta, c.ref(), co);
                b.assertClose(c, 1e-5 + 2e-6 * k, 0, "gemm m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb);
            }
        }
    }

    @Test
    void im2colMatchesReferenceWithStridePaddingAndNonSquareImages() {
        try (BackendPair b = new BackendPair(2, 2)) {
            int[][] cases = { // cin, h, w, kh, kw, stride, pad, columns
                    {1, 28, 28, 5, 5, 1, 0, 3}, {3, 7, 11, 3, 3, 2, 1, 2}, {2, 9, 6, 3, 2, 1, 2, 5},
                    {4, 5, 5, 5, 5, 2, 2, 1}, {2, 13, 8, 4, 3, 3, 1, 4}, {1, 3, 3, 1, 1, 1, 0, 7}};
            java.util.List<int[]> all = new java.util.ArrayList<>(java.util.List.of(cases));
            for (int trial = 0; trial < 12; trial++) { // random geometries: stride 1–3, padding 0–2
                int h = 3 + b.random.nextInt(12), w = 3 + b.random.nextInt(12);
                int kh = 1 + b.random.nextInt(Math.min(h, 5)), kw = 1 + b.random.nextInt(Math.min(w, 5));
                all.add(new int[] {1 + b.random.nextInt(3), h, w, kh, kw, 1 + b.random.nextInt(3),
                        b.random.nextInt(3), 1 + b.random.nextInt(4)});
            }
            for (int[] s : all) {
                ConvGeometry g = new ConvGeometry(s[0], s[1], s[2], 1, s[3], s[4], s[5], s[6]);
                int columns = s[7];
                var in = b.randomTwin(3 + g.inChannels() * columns * g.inPlane(), 1f);
                int size = g.patchSize() * columns * g.outPlane();
                var cols = b.twin(b.random(size + 2, 5f)); // old content must be overwritten
                b.cpu.im2col(in.cpu(), 3, g, columns, cols.cpu(), 1);
                b.ref.im2col(in.ref(), 3, g, columns, cols.ref(), 1);
                b.assertClose(cols, 0, 0, "im2col " + g);
            }
        }
    }

    @Test
    void biasActivationAndDropoutMatchReference() {
        try (BackendPair b = new BackendPair(2, 3)) {
            // plane 1 = dense layers: 37 and 70 columns cross 16-column mask blocks, full and partial, split over 3 threads
            int[][] cases = {{20, 6, 24 * 24}, {50, 5, 8 * 8}, {7, 9, 13}, {3, 11, 1}, {500, 12, 1}, {40, 37, 1}, {9, 70, 1}};
            for (int[] s : cases)
                for (Activation act : java.util.List.of(Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.01f),
                        Activation.clip(0f, 6f), Activation.SIGMOID, Activation.TANH, Activation.GELU)) // the last five via the epilogue
                    for (int variant = 0; variant < 3; variant++) {
                        int channels = s[0], columns = s[1], plane = s[2];
                        var x = b.randomTwin(2 + channels * columns * plane, 2f);
                        var bias = b.randomTwin(channels, 1f);
                        MaskSpec mask = variant == 0 ? null : new MaskSpec(0x1234_5678_9ABC_DEF0L + variant, 2, 0.3f,
                                variant == 2, new Pairs(5, 4, 100));
                        b.cpu.biasActivation(x.cpu(), 2, bias.cpu(), channels, columns, plane, act, mask);
                        b.ref.biasActivation(x.ref(), 2, bias.ref(), channels, columns, plane, act, mask);
                        b.assertClose(x, 1e-6, 1e-6, "biasActivation " + act + " mask " + mask);
                    }
        }
    }

    @Test
    void expandDropoutMatchesReference() {
        try (BackendPair b = new BackendPair(2, 4)) {
            int[][] cases = {{1, 7, 28 * 28, 10}, {3, 5, 13, 11}, {6, 2, 6, 9}};
            for (int[] s : cases)
                for (boolean perChannel : new boolean[] {false, true}) {
                    int channels = s[0], images = s[1], plane = s[2], columns = s[3];
                    MaskSpec mask = new MaskSpec(99, 0, 0.5f, perChannel, new Pairs(3, images, 40));
                    var src = b.randomTwin(channels * images * plane, 1f);
                    var dst = b.twin(b.random(1 + channels * columns * plane, 3f));
                    b.cpu.expandDropout(src.cpu(), 0, dst.cpu(), 1, channels, columns, plane, mask);
                    b.ref.expandDropout(src.ref(), 0, dst.ref(), 1, channels, columns, plane, mask);
                    b.assertClose(dst, 1e-6, 1e-6, "expandDropout perChannel=" + perChannel);
                }
        }
    }

    @Test
    void expandDropoutPoolIsExpandThenPoolBitForBitAndMatchesReference() {
        try (BackendPair b = new BackendPair(2, 9)) {
            int[][] cases = {{20, 24, 24, 2, 2}, {3, 7, 9, 3, 2}, {4, 5, 6, 2, 1}, {2, 11, 10, 3, 3}, {5, 12, 12, 2, 2}};
            for (int[] s : cases)
                for (PoolGeometry.PoolKind kind : PoolGeometry.PoolKind.values())
                    for (boolean perChannel : new boolean[] {false, true}) {
                        PoolGeometry g = new PoolGeometry(kind, s[1], s[2], s[3], s[4]);
                        int channels = s[0], images = 3, columns = 8, plane = s[1] * s[2];
                        int outPlane = g.outHeight() * g.outWidth();
                        MaskSpec mask = new MaskSpec(7, 1, 0.5f, perChannel, new Pairs(5, images, 100));
                        var src = b.randomTwin(1 + channels * images * plane, 2f);
                        var via = b.twin(new float[channels * columns * plane]);
                        var twoOps = b.twin(new float[2 + channels * columns * outPlane]);
                        var fused = b.twin(b.random(2 + channels * columns * outPlane, 1f));
                        b.cpu.expandDropout(src.cpu(), 1, via.cpu(), 0, channels, columns, plane, mask);
                        b.cpu.pool(via.cpu(), 0, g, channels * columns, twoOps.cpu(), 2);
                        b.cpu.expandDropoutPool(src.cpu(), 1, channels, columns, g, mask, null, fused.cpu(), 2);
                        float[] expected = b.cpuValues(twoOps), got = b.cpuValues(fused);
                        for (int i = 2; i < got.length; i++)
                            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                                    "element " + i + " " + g + " perChannel=" + perChannel);
                        b.ref.expandDropoutPool(src.ref(), 1, channels, columns, g, mask, via.ref(), fused.ref(), 2);
                        b.assertClose(fused, 1e-6, 1e-6, "expandDropoutPool " + g + " perChannel=" + perChannel);
                    }
        }
    }

    @Test
    void biasActivationPoolIsBiasActivationThenPoolBitForBitAndMatchesReference() {
        try (BackendPair b = new BackendPair(2, 10)) {
            int[][] cases = {{50, 8, 8, 2, 2}, {3, 7, 9, 3, 2}, {4, 5, 6, 2, 1}, {192, 28, 28, 2, 2}};
            int trial = 0;
            for (int[] s : cases)
                for (PoolGeometry.PoolKind kind : PoolGeometry.PoolKind.values())
                    for (int maskMode = 0; maskMode < 3; maskMode++) { // none, per element, per channel
                        PoolGeometry g = new PoolGeometry(kind, s[1], s[2], s[3], s[4]);
                        int channels = s[0], columns = s[0] > 100 ? 2 : 7, plane = s[1] * s[2];
                        int outPlane = g.outHeight() * g.outWidth();
                        Activation act = trial++ % 2 == 0 ? Activation.RELU : Activation.IDENTITY;
                        MaskSpec mask = maskMode == 0 ? null : new MaskSpec(11, 2, 0.5f, maskMode == 2, new Pairs(4, 3, 20));
                        float[] x = b.random(1 + channels * columns * plane, 2f);
                        var bias = b.randomTwin(channels, 1f);
                        var unfusedX = b.twin(x);
                        var twoOps = b.twin(new float[3 + channels * columns * outPlane]);
                        b.cpu.biasActivation(unfusedX.cpu(), 1, bias.cpu(), channels, columns, plane, act, mask);
                        b.cpu.pool(unfusedX.cpu(), 1, g, channels * columns, twoOps.cpu(), 3);
                        var fusedX = b.twin(x);
                        var fused = b.twin(b.random(3 + channels * columns * outPlane, 1f));
                        b.cpu.biasActivationPool(fusedX.cpu(), 1, bias.cpu(), channels, columns, g, act, mask, fused.cpu(), 3);
                        float[] expected = b.cpuValues(twoOps), got = b.cpuValues(fused);
                        String what = g + " " + act + " mask " + maskMode;
                        for (int i = 3; i < got.length; i++)
                            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "element " + i + " " + what);
                        b.ref.biasActivationPool(fusedX.ref(), 1, bias.ref(), channels, columns, g, act, mask, fused.ref(), 3);
                        b.assertClose(fused, 1e-6, 1e-6, "biasActivationPool " + what);
                    }
        }
    }

    @Test
    void poolMaxAndAverageMatchReference() {
        try (BackendPair b = new BackendPair(2, 5)) {
            int[][] cases = {{24, 24, 2, 2}, {8, 8, 2, 2}, {7, 9, 3, 2}, {5, 6, 2, 1}, {11, 10, 3, 3}};
            for (int[] s : cases)
                for (PoolGeometry.PoolKind kind : PoolGeometry.PoolKind.values()) {
                    PoolGeometry g = new PoolGeometry(kind, s[0], s[1], s[2], s[3]);
                    int planes = 37;
                    var in = b.randomTwin(1 + planes * s[0] * s[1], 4f);
                    var out = b.twin(b.random(planes * g.outHeight() * g.outWidth() + 3, 1f));
                    b.cpu.pool(in.cpu(), 1, g, planes, out.cpu(), 0);
                    b.ref.pool(in.ref(), 1, g, planes, out.ref(), 0);
                    b.assertClose(out, 1e-6, 1e-6, "pool " + g);
                }
        }
    }

    @Test
    void flattenMatchesReference() {
        try (BackendPair b = new BackendPair(2, 6)) {
            int channels = 50, columns = 13, plane = 16;
            var in = b.randomTwin(channels * columns * plane, 1f);
            var out = b.randomTwin(2 + channels * columns * plane, 1f);
            b.cpu.flatten(in.cpu(), 0, channels, columns, plane, out.cpu(), 2);
            b.ref.flatten(in.ref(), 0, channels, columns, plane, out.ref(), 2);
            b.assertClose(out, 0, 0, "flatten");
        }
    }

    @Test
    void softmaxIsStableWithLargeLogits() {
        try (BackendPair b = new BackendPair(2, 7)) {
            int classes = 10, columns = 301;
            for (float scale : new float[] {1f, 100f, 3e4f}) {
                var in = b.randomTwin(classes * columns, scale);
                var out = b.randomTwin(classes * columns, 1f);
                b.cpu.softmax(in.cpu(), 0, classes, columns, out.cpu(), 0);
                b.ref.softmax(in.ref(), 0, classes, columns, out.ref(), 0);
                b.assertClose(out, 1e-7, 1e-6, "softmax scale " + scale);
                float[] p = b.cpuValues(out);
                for (int n = 0; n < columns; n++) {
                    double total = 0;
                    for (int k = 0; k < classes; k++) {
                        assertTrue(p[k * columns + n] >= 0 && p[k * columns + n] <= 1, "probability range");
                        total += p[k * columns + n];
                    }
                    assertEquals(1.0, total, 1e-5, "column sums to 1");
                }
            }
        }
    }

    @Test
    void mcAccumulateMatchesReferenceOnAChunkNotAlignedToTheBatch() {
        try (BackendPair b = new BackendPair(2, 8)) {
            int classes = 10, images = 7, columns = 45;
            Pairs pairs = new Pairs(12, images, 1000); // starts mid-sample at image 5
            var logits = b.randomTwin(classes * columns, 6f);
            var acc = b.randomTwin(images * McAccumulators.width(classes), 1f);
            b.cpu.mcAccumulate(logits.cpu(), 0, classes, columns, pairs, acc.cpu());
            b.ref.mcAccumulate(logits.ref(), 0, classes, columns, pairs, acc.ref());
            b.assertClose(acc, 1e-5, 1e-5, "mcAccumulate");

            // From zero: row b holds one vote per column of image b, and Σp over classes equals that count.
            var fresh = b.twin(new float[images * McAccumulators.width(classes)]);
            b.cpu.mcAccumulate(logits.cpu(), 0, classes, columns, pairs, fresh.cpu());
            float[] a = b.cpuValues(fresh);
            for (int image = 0; image < images; image++) {
                int expected = 0;
                for (int n = 0; n < columns; n++) if (pairs.batchIndexOf(n) == image) expected++;
                int row = image * McAccumulators.width(classes);
                double votes = 0, mass = 0;
                for (int k = 0; k < classes; k++) {
                    votes += a[row + McAccumulators.votesOffset(classes) + k];
                    mass += a[row + McAccumulators.sumOffset(classes) + k];
                }
                assertEquals(expected, votes, 0, "votes of image " + image);
                assertEquals(expected, mass, 1e-4, "probability mass of image " + image);
            }
        }
    }

    @Test
    void zeroUploadDownloadAndDescribe() {
        try (CpuBackend cpu = new CpuBackend(3)) {
            var buf = cpu.allocate(10);
            cpu.upload(new float[] {1, 2, 3, 4}, 1, buf, 5, 3);
            cpu.zero(buf, 6, 1);
            float[] out = new float[10];
            cpu.download(buf, 0, out, 0, 10);
            assertEquals(2f, out[5]);
            assertEquals(0f, out[6]);
            assertEquals(4f, out[7]);
            assertTrue(cpu.describe().contains("3 threads"), cpu.describe());
            assertTrue(cpu.describe().contains("float"), cpu.describe());
        }
    }
}
