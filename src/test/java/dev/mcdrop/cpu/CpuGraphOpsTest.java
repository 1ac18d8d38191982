package dev.mcdrop.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU's graph ops (epilogue, binary, copy) against the float64 ReferenceBackend on random
 * shapes, with 1 and 3 threads: planes and columns that cross vector widths (16 floats) and the
 * thread splits. Masks must drop exactly the elements the reference drops.
 */
class CpuGraphOpsTest {
    private static final List<Activation> ACTIVATIONS = List.of(Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1f),
            Activation.clip(0f, 6f), Activation.clip(-0.5f, Float.POSITIVE_INFINITY), Activation.SIGMOID, Activation.TANH, Activation.GELU);
    private static final int[] THREADS = {1, 3};

    /** {channels, columns, plane}: dense layers (plane 1), planes under, at and over a vector, long rows. */
    private static final int[][] SHAPES = {{7, 5, 1}, {300, 37, 1}, {3, 4, 16}, {5, 3, 17}, {2, 9, 49}, {9, 11, 33}, {4, 2, 1000}};

    private static MaskSpec mask(int variant, int seed) {
        return variant == 0 ? null : new MaskSpec(0x5EED_0000L + seed, 3, 0.4f, variant == 2, new Pairs(6, 5, 77));
    }

    @Test
    void epilogueMatchesReferenceForEveryActivationPartAndMask() {
        for (int threads : THREADS)
            for (long seed = 1; seed <= 2; seed++)
                try (BackendPair b = new BackendPair(threads, seed)) {
                    int trial = 0;
                    for (int[] s : SHAPES)
                        for (Activation act : ACTIVATIONS)
                            for (int maskVariant = 0; maskVariant < 3; maskVariant++, trial++) {
                                int channels = s[0], columns = s[1], plane = s[2], size = channels * columns * plane;
                                int parts = b.random.nextInt(8); // scale, bias, residual each present or not
                                var x = b.randomTwin(size, 3f);
                                var scale = (parts & 1) != 0 ? b.randomTwin(channels, 2f) : null;
                                var bias = (parts & 2) != 0 ? b.randomTwin(channels, 1f) : null;
                                var residual = (parts & 4) != 0 ? b.randomTwin(size, 1f) : null;
                                MaskSpec mask = mask(maskVariant, trial);
                                b.cpu.epilogue(x.cpu(), channels, columns, plane, new Epilogue(scale == null ? null : scale.cpu(),
                                        bias == null ? null : bias.cpu(), residual == null ? null : residual.cpu(), act, mask));
                                b.ref.epilogue(x.ref(), channels, columns, plane, new Epilogue(scale == null ? null : scale.ref(),
                                        bias == null ? null : bias.ref(), residual == null ? null : residual.ref(), act, mask));
                                String what = "epilogue " + channels + "x" + columns + "x" + plane + " parts " + parts + " " + act
                                        + " mask " + maskVariant + " threads " + threads;
                                b.assertClose(x, 1e-6, 1e-5, what);
                                assertMaskedZeros(b, x, mask, channels, columns, plane, what);
                            }
                }
    }

    /** Every element the mask drops is exactly +0 on the CPU; with the identity, zeros are where the reference has them. */
    private static void assertMaskedZeros(BackendPair b, BackendPair.Twin x, MaskSpec mask, int channels, int columns, int plane, String what) {
        if (mask == null) return;
        float[] got = b.cpuValues(x), want = b.refValues(x);
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < columns; n++)
                for (int i = 0; i < plane; i++) {
                    int at = (c * columns + n) * plane + i;
                    boolean keep = mask.keep(n, c, (long) c * plane + i);
                    if (!keep && Float.floatToRawIntBits(got[at]) != 0) fail(what + ": dropped element " + at + " is " + got[at]);
                    if ((got[at] == 0f) != (want[at] == 0f)) fail(what + ": element " + at + " cpu " + got[at] + " reference " + want[at]);
                }
    }

    @Test
    void epilogueWithBiasAndReluOrIdentityIsBiasActivationBitForBit() {
        for (int threads : THREADS)
            try (BackendPair b = new BackendPair(threads, 21)) {
                int trial = 0;
                for (int[] s : SHAPES)
                    for (Activation act : List.of(Activation.IDENTITY, Activation.RELU))
                        for (int maskVariant = 0; maskVariant < 3; maskVariant++, trial++) {
                            int channels = s[0], columns = s[1], plane = s[2], size = channels * columns * plane;
                            float[] values = b.random(size, 2f);
                            var viaEpilogue = b.twin(values);
                            var viaBias = b.twin(values);
                            var bias = b.randomTwin(channels, 1f);
                            MaskSpec mask = mask(maskVariant, trial);
                            b.cpu.epilogue(viaEpilogue.cpu(), channels, columns, plane, Epilogue.of(bias.cpu(), act, mask));
                            b.cpu.biasActivation(viaBias.cpu(), 0, bias.cpu(), channels, columns, plane, act, mask);
                            assertArrayEquals(b.cpuValues(viaBias), b.cpuValues(viaEpilogue), act + " mask " + maskVariant + " " + size);
                        }
            }
    }

    @Test
    void biasActivationAcceptsEveryActivation() {
        for (int threads : THREADS)
            try (BackendPair b = new BackendPair(threads, 31)) {
                int trial = 0;
                for (int[] s : SHAPES)
                    for (Activation act : ACTIVATIONS)
                        for (int maskVariant = 0; maskVariant < 3; maskVariant++, trial++) {
                            int channels = s[0], columns = s[1], plane = s[2];
                            var x = b.randomTwin(2 + channels * columns * plane, 3f);
                            var bias = b.randomTwin(channels, 1f);
                            MaskSpec mask = mask(maskVariant, trial);
                            b.cpu.biasActivation(x.cpu(), 2, bias.cpu(), channels, columns, plane, act, mask);
                            b.ref.biasActivation(x.ref(), 2, bias.ref(), channels, columns, plane, act, mask);
                            b.assertClose(x, 1e-6, 1e-5, "biasActivation " + act + " mask " + maskVariant);
                        }
            }
    }

    private record Operand(String name, Broadcast stride) {}

    private static List<Operand> operands(int columns, int plane) {
        return List.of(new Operand("dense", Broadcast.dense(columns, plane)), new Operand("perChannel", Broadcast.perChannel()),
                new Operand("perChannelPerColumn", Broadcast.perChannelPerColumn(columns)), new Operand("scalar", Broadcast.scalar()),
                new Operand("perPlane", Broadcast.perPlane()), new Operand("strided", new Broadcast(2L * columns * plane, 2L * plane, 2)));
    }

    @Test
    void binaryMatchesReferenceForEveryBroadcastAndInPlace() {
        for (int threads : THREADS)
            try (BackendPair b = new BackendPair(threads, 41)) {
                for (int[] s : SHAPES) {
                    int channels = Math.min(s[0], 40), columns = s[1], plane = s[2], size = channels * columns * plane;
                    for (BinaryOp op : BinaryOp.values())
                        for (Operand left : operands(columns, plane))
                            for (Operand right : operands(columns, plane))
                                for (int target = 0; target < 3; target++) { // out separate, out = a, out = b
                                    boolean intoA = target == 1, intoB = target == 2;
                                    if ((intoA && !left.name().equals("dense")) || (intoB && !right.name().equals("dense"))) continue;
                                    var a = b.randomTwin((int) left.stride().extent(channels, columns, plane), 2f);
                                    var bb = b.randomTwin((int) right.stride().extent(channels, columns, plane), 2f);
                                    var out = intoA ? a : intoB ? bb : b.randomTwin(size, 5f);
                                    b.cpu.binary(op, a.cpu(), left.stride(), bb.cpu(), right.stride(), channels, columns, plane, out.cpu());
                                    b.ref.binary(op, a.ref(), left.stride(), bb.ref(), right.stride(), channels, columns, plane, out.ref());
                                    b.assertClose(out, 1e-6, 1e-6, "binary " + op + " " + left.name() + " " + right.name() + " target "
                                            + target + " " + channels + "x" + columns + "x" + plane + " threads " + threads);
                                }
                }
            }
    }

    @Test
    void copyMatchesReferenceSmallAndSplitOverThreads() {
        for (int threads : THREADS)
            try (BackendPair b = new BackendPair(threads, 51)) {
                for (int count : new int[] {0, 1, 17, 65_536, 65_537, 300_001}) {
                    var src = b.randomTwin(count + 5, 1f);
                    var dst = b.randomTwin(count + 9, 1f);
                    b.cpu.copy(src.cpu(), 5, dst.cpu(), 2, count);
                    b.ref.copy(src.ref(), 5, dst.ref(), 2, count);
                    b.assertClose(dst, 0, 0, "copy " + count);
                    assertEquals(b.refValues(dst)[count + 8], b.cpuValues(dst)[count + 8], "past the copy");
                }
            }
    }
}
