package dev.mcdrop.graph;

import static dev.mcdrop.graph.GraphFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference Conv against a definition built here from the plainest pieces: the input padded
 * into an explicit larger tensor, the kernel dilated into an explicit larger kernel with zeros,
 * a stride-1 "valid" convolution written as im2col times a matrix, then every stride-th output
 * kept; groups as separate ungrouped convolutions on channel slices, concatenated. Random shapes,
 * asymmetric pads, strides, dilations, depthwise, with and without bias.
 */
class ConvSemanticsTest {

    /** Stride-1, unpadded, undilated convolution of x[c][h][w] with k[m][c][kh][kw], as im2col · K. */
    static double[] valid(double[] x, int c, int h, int w, double[] k, int m, int kh, int kw) {
        int oh = h - kh + 1, ow = w - kw + 1, patch = c * kh * kw;
        double[][] cols = new double[oh * ow][patch];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                int p = 0;
                for (int ci = 0; ci < c; ci++)
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++) cols[oy * ow + ox][p++] = x[(ci * h + oy + ky) * w + ox + kx];
            }
        double[] y = new double[m * oh * ow];
        for (int mi = 0; mi < m; mi++)
            for (int q = 0; q < oh * ow; q++) {
                double s = 0;
                for (int p = 0; p < patch; p++) s += k[mi * patch + p] * cols[q][p];
                y[mi * oh * ow + q] = s;
            }
        return y;
    }

    record Config(int c, int h, int w, int m, int kh, int kw, int sh, int sw, int dh, int dw, Op.Pads pads, int group, boolean bias) {}

    /** The independent definition: pad, dilate, valid conv per group, subsample, add bias. */
    static double[] expected(Config f, double[] x, double[] k, double[] b) {
        int hp = f.h() + f.pads().top() + f.pads().bottom(), wp = f.w() + f.pads().left() + f.pads().right();
        double[] padded = new double[f.c() * hp * wp];
        for (int ci = 0; ci < f.c(); ci++)
            for (int y = 0; y < f.h(); y++)
                for (int xx = 0; xx < f.w(); xx++)
                    padded[(ci * hp + y + f.pads().top()) * wp + xx + f.pads().left()] = x[(ci * f.h() + y) * f.w() + xx];
        int khe = (f.kh() - 1) * f.dh() + 1, kwe = (f.kw() - 1) * f.dw() + 1, cg = f.c() / f.group(), mg = f.m() / f.group();
        double[] dilated = new double[f.m() * cg * khe * kwe];
        for (int i = 0; i < f.m() * cg; i++)
            for (int ky = 0; ky < f.kh(); ky++)
                for (int kx = 0; kx < f.kw(); kx++)
                    dilated[(i * khe + ky * f.dh()) * kwe + kx * f.dw()] = k[(i * f.kh() + ky) * f.kw() + kx];
        int vh = hp - khe + 1, vw = wp - kwe + 1, oh = (vh - 1) / f.sh() + 1, ow = (vw - 1) / f.sw() + 1;
        double[] out = new double[f.m() * oh * ow];
        for (int g = 0; g < f.group(); g++) {
            double[] xs = java.util.Arrays.copyOfRange(padded, g * cg * hp * wp, (g + 1) * cg * hp * wp);
            double[] ks = java.util.Arrays.copyOfRange(dilated, g * mg * cg * khe * kwe, (g + 1) * mg * cg * khe * kwe);
            double[] v = valid(xs, cg, hp, wp, ks, mg, khe, kwe);
            for (int mi = 0; mi < mg; mi++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                        out[((g * mg + mi) * oh + oy) * ow + ox] = v[(mi * vh + oy * f.sh()) * vw + ox * f.sw()] + (b == null ? 0 : b[g * mg + mi]);
        }
        return out;
    }

    @Test
    void randomConvolutionsMatchPaddedDilatedGroupedDefinition() {
        Random r = new Random(1401);
        int tested = 0, refused = 0;
        for (int trial = 0; trial < 120; trial++) {
            int group = 1 + r.nextInt(3);
            boolean depthwise = r.nextInt(4) == 0;
            int c = group * (1 + r.nextInt(3)), m = depthwise ? c * (1 + r.nextInt(2)) : group * (1 + r.nextInt(3));
            if (depthwise) group = c;
            Config f = new Config(c, 2 + r.nextInt(8), 2 + r.nextInt(8), m, 1 + r.nextInt(4), 1 + r.nextInt(4),
                    1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3),
                    new Op.Pads(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4)), group, r.nextBoolean());
            Initializer w = GraphFixtures.random(r, "w", f.m(), f.c() / f.group(), f.kh(), f.kw());
            Initializer b = GraphFixtures.random(r, "b", f.m());
            Op.Conv op = new Op.Conv(new Op.Size2(f.sh(), f.sw()), f.pads(), Op.AutoPad.NOTSET, new Op.Size2(f.dh(), f.dw()), f.group());
            Shape in = new Shape(f.c(), f.h(), f.w());
            boolean fits = f.h() + f.pads().top() + f.pads().bottom() >= (f.kh() - 1) * f.dh() + 1
                    && f.w() + f.pads().left() + f.pads().right() >= (f.kw() - 1) * f.dw() + 1;
            if (!fits) {
                GraphException e = assertThrows(GraphException.class, () -> GraphFixtures.single(op, in, w, b), f.toString());
                assertTrue(e.getMessage().startsWith("node 'op' (Conv): the "), e.getMessage());
                refused++;
                continue;
            }
            Graph g = f.bias() ? GraphFixtures.single(op, in, w, b) : GraphFixtures.single(op, in, w);
            double[] x = GraphFixtures.randomDoubles(r, (int) in.elements());
            double[] want = expected(f, x, w.toDoubles(), f.bias() ? b.toDoubles() : null);
            assertEquals(want.length, g.shape("y").elements(), f + ": output size");
            assertClose(want, GraphFixtures.run(g, x), 1e-12, f.toString());
            tested++;
        }
        assertTrue(tested >= 80 && refused >= 5, tested + " tested, " + refused + " refused");
    }

    @Test
    void autoPadSameGivesCeilOfInputOverStrideWithTheOddPadAtTheRightEnd() {
        Random r = new Random(1402);
        for (int trial = 0; trial < 30; trial++) {
            int h = 3 + r.nextInt(9), w = 3 + r.nextInt(9), k = 1 + r.nextInt(3), s = 1 + r.nextInt(3), d = 1 + r.nextInt(2);
            Initializer wt = GraphFixtures.random(r, "w", 2, 2, k, k);
            Shape in = new Shape(2, h, w);
            double[] x = GraphFixtures.randomDoubles(r, (int) in.elements());
            for (Op.AutoPad auto : new Op.AutoPad[]{Op.AutoPad.SAME_UPPER, Op.AutoPad.SAME_LOWER}) {
                Graph same = GraphFixtures.single(new Op.Conv(Op.Size2.square(s), Op.Pads.NONE, auto, Op.Size2.square(d), 1), in, wt);
                int oh = (h + s - 1) / s, ow = (w + s - 1) / s, ke = (k - 1) * d + 1;
                int th = Math.max(0, (oh - 1) * s + ke - h), tw = Math.max(0, (ow - 1) * s + ke - w);
                Op.Pads pads = auto == Op.AutoPad.SAME_UPPER ? new Op.Pads(th / 2, tw / 2, th - th / 2, tw - tw / 2)
                        : new Op.Pads(th - th / 2, tw - tw / 2, th / 2, tw / 2);
                assertEquals(TensorShape.of(2, oh, ow), same.shape("y"), auto + " " + h + "x" + w + " k" + k + " s" + s + " d" + d);
                Op.Conv resolved = (Op.Conv) same.node("op").op();
                assertEquals(pads, resolved.pads());
                assertEquals(Op.AutoPad.NOTSET, resolved.autoPad());
                Config f = new Config(2, h, w, 2, k, k, s, s, d, d, pads, 1, false);
                assertClose(expected(f, x, wt.toDoubles(), null), GraphFixtures.run(same, x), 1e-12, auto.toString());
            }
            Graph valid = GraphFixtures.single(new Op.Conv(Op.Size2.square(s), Op.Pads.NONE, Op.AutoPad.VALID, Op.Size2.ONE, 1), in, wt);
            assertEquals(TensorShape.of(2, (h - k) / s + 1, (w - k) / s + 1), valid.shape("y"));
        }
    }
}
