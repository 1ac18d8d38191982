package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.ReferenceBackend;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The graph ops' kernels (graph_ops.cu, the general-window im2col / implicit / depthwise
 * convolutions and pools) on the kernel emulator, driven by their Java launchers and compared with
 * {@link ReferenceBackend}; masks bit for bit. Called by {@link KernelEmulationChecks}, so they run
 * on both index widths (KernelEmulation32Test / 64Test) from one emulator build each.
 */
final class GraphKernelChecks {
    private final KernelEmulator emu;
    private final ReferenceBackend ref = new ReferenceBackend();

    GraphKernelChecks(KernelEmulator emu) { this.emu = emu; }

    private static float[] random(Random rnd, int size, float range) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (rnd.nextFloat() * 2 - 1) * range;
        return x;
    }

    /** Runs {@code op} on reference copies of {@code inputs} (null: no buffer); returns buffer {@code result}. */
    private float[] reference(float[][] inputs, int result, Consumer<Buffer[]> op) {
        Buffer[] b = new Buffer[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) continue;
            b[i] = ref.allocate(inputs[i].length);
            ref.upload(inputs[i], 0, b[i], 0, inputs[i].length);
        }
        op.accept(b);
        float[] out = new float[inputs[result].length];
        ref.download(b[result], 0, out, 0, out.length);
        return out;
    }

    private long put(float[] data) { return data == null ? 0 : emu.put(data); }

    private static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol) && expected[i] != actual[i]) {
                fail(what + ": element " + i + " emulated " + actual[i] + " reference " + expected[i]);
            }
        }
    }

    /** Every activation with random parts; then masks on ones: exactly scale or 0 where MaskSpec.keep says. */
    void epilogue() {
        GraphOpsKernels ops = new GraphOpsKernels(emu);
        Random rnd = new Random(31);
        for (int trial = 0; trial < 16; trial++) {
            Activation act = GraphShapes.ACTIVATIONS[trial % GraphShapes.ACTIVATIONS.length];
            int channels = 1 + rnd.nextInt(5), columns = 1 + rnd.nextInt(4), plane = 1 + rnd.nextInt(20);
            int size = channels * columns * plane;
            float[] x = random(rnd, size, 5f), scale = rnd.nextBoolean() ? random(rnd, channels, 2f) : null;
            float[] bias = rnd.nextBoolean() ? random(rnd, channels, 1f) : null, residual = rnd.nextBoolean() ? random(rnd, size, 2f) : null;
            MaskSpec mask = rnd.nextBoolean() ? null : new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.2f + 0.6f * rnd.nextFloat(),
                    rnd.nextInt(3) == 0, new Pairs(rnd.nextInt(20), 1 + rnd.nextInt(4), rnd.nextInt(100)));
            float[] expected = reference(new float[][] {x, scale, bias, residual}, 0, b -> ref.epilogue(b[0], channels, columns, plane,
                    new Epilogue(b[1], b[2], b[3], act, mask)));
            ops.epilogue(put(x), put(scale), put(bias), put(residual), channels, columns, plane, act, mask, 0);
            assertClose(expected, x, 1e-5, 1e-5, "epilogue " + act + " " + mask);

            float[] ones = new float[size];
            Arrays.fill(ones, 1f);
            MaskSpec bits = new MaskSpec(rnd.nextLong(), rnd.nextInt(5), 0.1f + 0.8f * rnd.nextFloat(), trial % 4 == 1,
                    new Pairs(rnd.nextInt(30), 1 + rnd.nextInt(3), rnd.nextInt(1000)));
            ops.epilogue(put(ones), 0, 0, 0, channels, columns, plane, Activation.IDENTITY, bits, 0);
            for (int c = 0; c < channels; c++)
                for (int n = 0; n < columns; n++)
                    for (int i = 0; i < plane; i++)
                        assertEquals(Float.floatToRawIntBits(bits.keep(n, c, (long) c * plane + i) ? bits.scale() : 0f),
                                Float.floatToRawIntBits(ones[(c * columns + n) * plane + i]), "mask bit c=" + c + " n=" + n + " i=" + i);
        }
    }

    /** Every operator and broadcast kind, exact (one float rounding of each exact result). */
    void binary() {
        GraphOpsKernels ops = new GraphOpsKernels(emu);
        Random rnd = new Random(32);
        for (int trial = 0; trial < 15; trial++) {
            BinaryOp op = BinaryOp.values()[trial % 3];
            int channels = 1 + rnd.nextInt(4), columns = 1 + rnd.nextInt(4), plane = 1 + rnd.nextInt(12);
            Broadcast sa = GraphShapes.broadcast(trial % 5, columns, plane), sb = GraphShapes.broadcast(rnd.nextInt(5), columns, plane);
            float[] a = random(rnd, (int) sa.extent(channels, columns, plane), 4f), b = random(rnd, (int) sb.extent(channels, columns, plane), 4f);
            float[] out = random(rnd, channels * columns * plane, 1f);
            float[] expected = reference(new float[][] {a, b, out}, 2, x -> ref.binary(op, x[0], sa, x[1], sb, channels, columns, plane, x[2]));
            ops.binary(op, put(a), sa, put(b), sb, channels, columns, plane, put(out));
            assertClose(expected, out, 0, 0, "binary " + op + " " + sa + " " + sb);
        }
    }

    /** im2col of one group, the implicit kernel group by group, the depthwise kernel: any window. */
    void convolutions() {
        Im2colKernels layout = new Im2colKernels(emu);
        ConvKernel conv = new ConvKernel(emu);
        Random rnd = new Random(33);
        for (int trial = 0; trial < 9; trial++) {
            ConvGeometry g = GraphShapes.conv(rnd, trial);
            int columns = 1 + rnd.nextInt(3);
            float[] in = random(rnd, g.inChannels() * columns * g.inPlane(), 1f);
            float[] cols = random(rnd, g.patchSize() * columns * g.outPlane(), 1f);
            float[] expectedCols = reference(new float[][] {in, cols}, 1, b -> ref.im2col(b[0], 0, g, columns, b[1], 0));
            layout.im2col(put(in), g, columns, put(cols));
            assertClose(expectedCols, cols, 0, 0, "im2col " + g);

            float[] w = random(rnd, g.outChannels() * g.patchSize(), 1f), out = random(rnd, g.outChannels() * columns * g.outPlane(), 1f);
            float[] scratch = new float[g.patchSize() * columns * g.outPlane()];
            float[] expected = reference(new float[][] {in, w, scratch, out}, 3, b -> ref.conv2d(b[0], 0, g, columns, b[1], b[2], b[3], 0));
            if (g.isDepthwise()) conv.depthwise(put(in), g, columns, put(w), put(out));
            else conv.conv2d(put(in), g, columns, put(w), put(out));
            assertClose(expected, out, 1e-5, 2e-6 * g.patchSize(), (g.isDepthwise() ? "depthwise " : "implicit ") + g);
        }
    }

    void pools() {
        PoolKernels pooling = new PoolKernels(emu);
        Random rnd = new Random(34);
        for (int trial = 0; trial < 15; trial++) {
            PoolGeometry g = GraphShapes.pool(rnd, trial);
            int planes = 1 + rnd.nextInt(4);
            float[] in = random(rnd, planes * g.plane(), 1f), out = random(rnd, planes * g.outPlane(), 1f);
            float[] expected = reference(new float[][] {in, out}, 1, b -> ref.pool(b[0], 0, g, planes, b[1], 0));
            pooling.pool(put(in), g, planes, put(out));
            assertClose(expected, out, 1e-6, 1e-7, "pool " + g + (g.ceilMode() ? " ceil" : "") + (g.countIncludePad() ? " count_include_pad" : ""));
        }
    }
}
