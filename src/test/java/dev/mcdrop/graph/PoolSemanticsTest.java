package dev.mcdrop.graph;

import static dev.mcdrop.graph.GraphFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Max and average pooling against an explicit tensor: the input written into a larger grid whose
 * cells are marked input, padding (the explicit pads) or overhang (what ceil mode reads past the
 * pads), windows read from it by plain indexing. Max ignores padding and overhang; the mean divides
 * by the input cells (count_include_pad = 0) or the input and padding cells (= 1). Plus ONNX's
 * own small examples with their documented outputs, and the global pools.
 */
class PoolSemanticsTest {
    private static final int INPUT = 0, PAD = 1, OVERHANG = 2;

    record Config(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, Op.Pads pads, boolean ceil, boolean includePad) {}

    /** PyTorch's output size: ⌊ or ⌈(in + pads − effective kernel)/stride⌉ + 1, less a last window starting past input + begin pad. */
    static int outSize(int in, int k, int s, int d, int begin, int end, boolean ceil) {
        int span = in + begin + end - ((k - 1) * d + 1);
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + begin) out--;
        return out;
    }

    static double[] expected(Config f, double[] x, int channels, boolean max) {
        int oh = outSize(f.h(), f.kh(), f.sh(), f.dh(), f.pads().top(), f.pads().bottom(), f.ceil());
        int ow = outSize(f.w(), f.kw(), f.sw(), f.dw(), f.pads().left(), f.pads().right(), f.ceil());
        int gh = (oh - 1) * f.sh() + (f.kh() - 1) * f.dh() + 1 + f.h(), gw = (ow - 1) * f.sw() + (f.kw() - 1) * f.dw() + 1 + f.w();
        double[] y = new double[channels * oh * ow];
        for (int c = 0; c < channels; c++) {
            double[][] value = new double[gh][gw];
            int[][] kind = new int[gh][gw];
            for (int i = 0; i < gh; i++)
                for (int j = 0; j < gw; j++) {
                    int iy = i - f.pads().top(), ix = j - f.pads().left();
                    boolean in = iy >= 0 && iy < f.h() && ix >= 0 && ix < f.w();
                    boolean pad = i < f.pads().top() + f.h() + f.pads().bottom() && j < f.pads().left() + f.w() + f.pads().right();
                    kind[i][j] = in ? INPUT : pad ? PAD : OVERHANG;
                    if (in) value[i][j] = x[(c * f.h() + iy) * f.w() + ix];
                }
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int inputs = 0, pads = 0;
                    for (int ky = 0; ky < f.kh(); ky++)
                        for (int kx = 0; kx < f.kw(); kx++) {
                            int i = oy * f.sh() + ky * f.dh(), j = ox * f.sw() + kx * f.dw();
                            if (kind[i][j] == INPUT) {
                                best = Math.max(best, value[i][j]);
                                sum += value[i][j];
                                inputs++;
                            } else if (kind[i][j] == PAD) {
                                pads++;
                            }
                        }
                    y[(c * oh + oy) * ow + ox] = max ? best : sum / (f.includePad() ? inputs + pads : inputs);
                }
        }
        return y;
    }

    @Test
    void randomPoolsMatchTheExplicitGrid() {
        Random r = new Random(1403);
        int tested = 0, refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            boolean max = trial % 2 == 0;
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            Config f = new Config(1 + r.nextInt(9), 1 + r.nextInt(9), kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3),
                    max ? 1 + r.nextInt(3) : 1, max ? 1 + r.nextInt(3) : 1,
                    new Op.Pads(r.nextInt(kh), r.nextInt(kw), r.nextInt(kh), r.nextInt(kw)), r.nextBoolean(), r.nextBoolean());
            Op op = max ? new Op.MaxPool(new Op.Size2(f.kh(), f.kw()), new Op.Size2(f.sh(), f.sw()), f.pads(), Op.AutoPad.NOTSET, f.ceil(),
                    new Op.Size2(f.dh(), f.dw()))
                    : new Op.AveragePool(new Op.Size2(f.kh(), f.kw()), new Op.Size2(f.sh(), f.sw()), f.pads(), Op.AutoPad.NOTSET, f.ceil(),
                    f.includePad());
            Shape in = new Shape(2, f.h(), f.w());
            Graph g;
            try {
                g = GraphFixtures.single(op, in);
            } catch (GraphException e) {  // kernel larger than the padded input, or a dilated window that misses the input
                assertTrue(e.getMessage().startsWith("node 'op' (" + op.type() + "): "), e.getMessage());
                refused++;
                continue;
            }
            double[] x = GraphFixtures.randomDoubles(r, (int) in.elements());
            double[] want = expected(f, x, 2, max);
            assertEquals(want.length, g.shape("y").elements(), f + ": output size");
            assertClose(want, GraphFixtures.run(g, x), 1e-14, op.type() + " " + f);
            tested++;
        }
        assertTrue(tested >= 200 && refused >= 10, tested + " tested, " + refused + " refused");
    }

    private static double[] oneTo(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    /** ONNX's documented examples (onnx/backend/test/case/node/{maxpool,averagepool}.py). */
    @Test
    void onnxDocumentedExamples() {
        Shape four = new Shape(1, 4, 4), five = new Shape(1, 5, 5);
        Op.Size2 k3 = Op.Size2.square(3), s2 = Op.Size2.square(2);
        assertArrayEquals(new double[]{11, 12, 15, 16}, GraphFixtures.run(GraphFixtures.single(
                new Op.MaxPool(k3, s2, Op.Pads.NONE, Op.AutoPad.NOTSET, true, Op.Size2.ONE), four), oneTo(16)), "maxpool_2d_ceil");
        assertArrayEquals(new double[]{6, 7.5, 12, 13.5}, GraphFixtures.run(GraphFixtures.single(
                new Op.AveragePool(k3, s2, Op.Pads.NONE, Op.AutoPad.NOTSET, true, false), four), oneTo(16)), "averagepool_2d_ceil");
        assertArrayEquals(new double[]{11, 12, 15, 16}, GraphFixtures.run(GraphFixtures.single(
                new Op.MaxPool(Op.Size2.square(2), Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, false, s2), four), oneTo(16)),
                "maxpool_2d_dilations");
        assertArrayEquals(new double[]{7, 9, 10, 17, 19, 20, 22, 24, 25}, GraphFixtures.run(GraphFixtures.single(
                new Op.MaxPool(k3, s2, Op.Pads.NONE, Op.AutoPad.SAME_UPPER, false, Op.Size2.ONE), five), oneTo(25)),
                "maxpool_2d_precomputed_same_upper");
        assertArrayEquals(new double[]{4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22}, GraphFixtures.run(GraphFixtures.single(
                new Op.AveragePool(k3, s2, Op.Pads.NONE, Op.AutoPad.SAME_UPPER, false, false), five), oneTo(25)),
                "averagepool_2d_precomputed_same_upper");
    }

    @Test
    void globalPoolsAreTheMeanAndMaxOfEachPlane() {
        Random r = new Random(1404);
        Shape in = new Shape(3, 5, 7);
        double[] x = GraphFixtures.randomDoubles(r, (int) in.elements());
        double[] mean = new double[3], max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 35; i++) {
                mean[c] += x[c * 35 + i] / 35;
                max[c] = Math.max(max[c], x[c * 35 + i]);
            }
        Graph avg = GraphFixtures.single(new Op.GlobalAveragePool(), in), mx = GraphFixtures.single(new Op.GlobalMaxPool(), in);
        assertEquals(TensorShape.of(3, 1, 1), avg.shape("y"));
        assertClose(mean, GraphFixtures.run(avg, x), 1e-15, "GlobalAveragePool");
        assertArrayEquals(max, GraphFixtures.run(mx, x), "GlobalMaxPool");
    }

    @Test
    void aMaxWindowEntirelyInThePaddingIsRefused() {
        // in = 1, kernel 2 dilated by 3 with pads 2: taps at -2 and 1, neither inside the one input pixel
        GraphException e = assertThrows(GraphException.class, () -> GraphFixtures.single(new Op.MaxPool(new Op.Size2(1, 2), Op.Size2.ONE,
                new Op.Pads(0, 2, 0, 2), Op.AutoPad.NOTSET, false, new Op.Size2(1, 3)), new Shape(1, 1, 1)));
        assertEquals("node 'op' (MaxPool): output column 0's window lies entirely in the padding", e.getMessage());
    }
}
