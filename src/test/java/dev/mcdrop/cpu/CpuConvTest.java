package dev.mcdrop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The implicit-GEMM convolution equals the reference's im2col + gemm on random geometries. */
class CpuConvTest {
    private static float[] run(Backend be, ConvGeometry g, int columns, float[] input, float[] weight) {
        try (Buffer in = be.allocate(input.length); Buffer w = be.allocate(weight.length);
             Buffer cols = be.allocate((long) g.patchSize() * g.outPlane() * columns);
             Buffer out = be.allocate((long) g.outChannels() * g.outPlane() * columns + 3)) {
            be.upload(input, 0, in, 0, input.length);
            be.upload(weight, 0, w, 0, weight.length);
            be.conv2d(in, 0, g, columns, w, cols, out, 3);
            float[] r = new float[g.outChannels() * g.outPlane() * columns];
            be.download(out, 3, r, 0, r.length);
            return r;
        }
    }

    @Test
    void matchesReferenceOnRandomGeometries() {
        Random r = new Random(11);
        try (CpuBackend cpu = new CpuBackend(2)) {
            // the last three have more than Sgemm.KC = 256 patch rows, so the packer also starts mid-channel
            ConvGeometry[] deep = {new ConvGeometry(13, 9, 9, 7, 5, 5, 1, 2), new ConvGeometry(12, 10, 11, 5, 5, 5, 2, 1),
                    new ConvGeometry(11, 12, 12, 9, 5, 5, 1, 0)};
            for (int trial = 0; trial < 14 + deep.length; trial++) {
                int k = 1 + r.nextInt(5), stride = 1 + r.nextInt(3), pad = r.nextInt(3);
                int h = k + r.nextInt(12), w = k + r.nextInt(12), cin = 1 + r.nextInt(7), cout = 1 + r.nextInt(60);
                int columns = 1 + r.nextInt(40);
                ConvGeometry g = trial < 14 ? new ConvGeometry(cin, h, w, cout, k, k, stride, pad) : deep[trial - 14];
                cin = g.inChannels();
                h = g.inHeight();
                w = g.inWidth();
                cout = g.outChannels();
                float[] input = new float[cin * columns * h * w], weight = new float[cout * g.patchSize()];
                for (int i = 0; i < input.length; i++) input[i] = (float) r.nextGaussian();
                for (int i = 0; i < weight.length; i++) weight[i] = (float) r.nextGaussian();
                float[] want = run(new ReferenceBackend(), g, columns, input, weight);
                float[] got = run(cpu, g, columns, input, weight);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 + 2e-6 * g.patchSize() * Math.abs(want[i]) + 1e-5 * g.patchSize(),
                            "trial " + trial + " " + g + " columns " + columns + " at " + i);
                }
            }
        }
    }

    @Test
    void bitIdenticalToIm2colThenGemm() {
        ConvGeometry g = new ConvGeometry(20, 12, 12, 50, 5, 5, 1, 0); // LeNet conv2
        Random r = new Random(5);
        int columns = 37;
        float[] input = new float[20 * columns * 144], weight = new float[50 * 500];
        for (int i = 0; i < input.length; i++) input[i] = (float) r.nextGaussian();
        for (int i = 0; i < weight.length; i++) weight[i] = (float) r.nextGaussian();
        try (CpuBackend cpu = new CpuBackend(2)) {
            float[] implicit = run(cpu, g, columns, input, weight);
            float[] explicit = new float[implicit.length];
            try (Buffer in = cpu.allocate(input.length); Buffer w = cpu.allocate(weight.length);
                 Buffer cols = cpu.allocate(500L * 64 * columns); Buffer out = cpu.allocate(implicit.length)) {
                cpu.upload(input, 0, in, 0, input.length);
                cpu.upload(weight, 0, w, 0, weight.length);
                cpu.im2col(in, 0, g, columns, cols, 0);
                cpu.gemm(false, false, 50, columns * 64, 500, w, 0, cols, 0, 0f, out, 0);
                cpu.download(out, 0, explicit, 0, explicit.length);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(explicit, implicit);
        }
    }

    @Test
    void vectorisedMaxPoolMatchesReferenceIncludingNaN() {
        Random r = new Random(8);
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (int[] hw : new int[][]{{24, 24}, {8, 8}, {2, 2}, {6, 40}, {34, 18}}) {
                dev.mcdrop.backend.PoolGeometry g = new dev.mcdrop.backend.PoolGeometry(
                        dev.mcdrop.backend.PoolGeometry.PoolKind.MAX, hw[0], hw[1], 2, 2);
                int planes = 7, n = planes * hw[0] * hw[1];
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
                x[3] = Float.NaN;
                x[n - 1] = -0f;
                float[] want = new float[planes * g.outHeight() * g.outWidth()], got = want.clone();
                for (Backend be : new Backend[]{new ReferenceBackend(), cpu}) {
                    try (Buffer in = be.allocate(n); Buffer out = be.allocate(want.length)) {
                        be.upload(x, 0, in, 0, n);
                        be.pool(in, 0, g, planes, out, 0);
                        be.download(out, 0, be == cpu ? got : want, 0, want.length);
                    }
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, hw[0] + "x" + hw[1]);
            }
        }
    }
}
