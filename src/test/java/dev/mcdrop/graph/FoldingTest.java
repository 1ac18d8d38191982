package dev.mcdrop.graph;

import static dev.mcdrop.graph.GraphFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BatchNormalization: the unfolded op against its textbook formula, and
 * {@link Folding#foldBatchNorm} (into Conv with and without bias, grouped Conv, Gemm both ways
 * with every bias shape, MatMul) giving the unfolded graph's values to 1e-9; what may not be
 * folded is left as it is.
 */
class FoldingTest {
    private final Random r = new Random(1405);

    private List<Initializer> bn(String prefix, int channels) {
        return List.of(GraphFixtures.positive(r, prefix + ".scale", channels, 0.5, 2), GraphFixtures.random(r, prefix + ".bias", channels),
                GraphFixtures.random(r, prefix + ".mean", channels), GraphFixtures.positive(r, prefix + ".var", channels, 0.1, 3));
    }

    private static Node bnNode(String name, String in, String out) {
        return new Node(name, new Op.BatchNormalization(1e-5), List.of(in, name + ".scale", name + ".bias", name + ".mean", name + ".var"),
                List.of(out));
    }

    @Test
    void unfoldedBatchNormIsTheTextbookFormula() {
        Shape in = new Shape(3, 4, 5);
        List<Initializer> p = bn("op", 3);
        Graph g = GraphFixtures.single(new Op.BatchNormalization(1e-3), in, p.toArray(Initializer[]::new));
        double[] x = GraphFixtures.randomDoubles(r, 60);
        double[] want = new double[60];
        for (int i = 0; i < 60; i++) {
            int c = i / 20;
            want[i] = (x[i] - p.get(2).get(c)) / Math.sqrt(p.get(3).get(c) + 1e-3) * p.get(0).get(c) + p.get(1).get(c);
        }
        assertClose(want, GraphFixtures.run(g, x), 1e-15, "BatchNormalization");
        Folding.ChannelAffine a = Folding.affine(g, g.node("op"));
        for (int i = 0; i < 60; i++) assertEquals(want[i], a.scale()[i / 20] * x[i] + a.shift()[i / 20], 1e-14);
    }

    /** Folds {@code g}, checks that {@code folded} batch norms went and the values stayed (1e-9), returns the folded graph. */
    private Graph assertFolds(Graph g, int folded) {
        Graph f = Folding.foldBatchNorm(g);
        long before = g.nodes().stream().filter(n -> n.op() instanceof Op.BatchNormalization).count();
        long after = f.nodes().stream().filter(n -> n.op() instanceof Op.BatchNormalization).count();
        assertEquals(folded, before - after, "batch norms folded");
        for (Initializer i : f.initializers()) {
            assertTrue(f.nodes().stream().anyMatch(n -> n.inputs().contains(i.name())), "unused initializer " + i.name() + " kept");
        }
        for (int trial = 0; trial < 3; trial++) {
            double[] x = GraphFixtures.randomDoubles(r, (int) g.input().shape().elements());
            double[] want = GraphFixtures.run(g, x), got = GraphFixtures.run(f, x);
            assertClose(want, got, 1e-9, "folded vs unfolded");
            assertFalse(java.util.Arrays.equals(want, new double[want.length]));
        }
        return f;
    }

    @Test
    void convFollowedByBatchNormFolds() {
        for (int group : new int[]{1, 2, 4}) {
            for (boolean bias : new boolean[]{true, false}) {
                List<Initializer> inits = new ArrayList<>(bn("bn", 8));
                inits.add(GraphFixtures.random(r, "w", 8, 4 / group, 3, 3));
                List<String> convIn = new ArrayList<>(List.of("x", "w"));
                if (bias) {
                    inits.add(GraphFixtures.random(r, "b", 8));
                    convIn.add("b");
                }
                Graph g = new Graph("conv-bn", new GraphInput("x", new Shape(4, 6, 6)), inits,
                        List.of(new Node("conv", new Op.Conv(Op.Size2.square(2), new Op.Pads(1, 0, 1, 2), Op.AutoPad.NOTSET, Op.Size2.ONE, group),
                                        convIn, List.of("c")),
                                bnNode("bn", "c", "y"), Node.of("relu", new Op.Relu(), "y", "z")),
                        List.of("z"));
                Graph f = assertFolds(g, 1);
                assertEquals(List.of("conv", "relu"), f.nodes().stream().map(Node::name).toList());
                assertEquals("y", f.node("conv").output());
                assertInstanceOf(Initializer.Doubles.class, f.initializer(f.node("conv").input(1)).values());
            }
        }
    }

    @Test
    void gemmAndMatMulFollowedByBatchNormFold() {
        int k = 6, m = 5;
        for (int[] cShape : new int[][]{null, {}, {1}, {m}, {1, m}}) {
            for (boolean transB : new boolean[]{true, false}) {
                List<Initializer> inits = new ArrayList<>(bn("bn", m));
                inits.add(transB ? GraphFixtures.random(r, "B", m, k) : GraphFixtures.random(r, "B", k, m));
                List<String> in = new ArrayList<>(List.of("f", "B"));
                if (cShape != null) {
                    inits.add(GraphFixtures.random(r, "C", cShape));
                    in.add("C");
                }
                Graph g = new Graph("gemm-bn", new GraphInput("x", new Shape(k, 1, 1)), inits,
                        List.of(Node.of("flat", new Op.Flatten(), "x", "f"), new Node("gemm", new Op.Gemm(transB, 1.5, 0.75), in, List.of("g")),
                                bnNode("bn", "g", "y")),
                        List.of("y"));
                assertFolds(g, 1);
            }
        }
        List<Initializer> inits = new ArrayList<>(bn("bn", m));
        inits.add(GraphFixtures.random(r, "B", k, m));
        Graph g = new Graph("matmul-bn", new GraphInput("x", new Shape(k, 1, 1)), inits,
                List.of(Node.of("flat", new Op.Flatten(), "x", "f"), new Node("mm", new Op.MatMul(), List.of("f", "B"), List.of("g")),
                        bnNode("bn", "g", "y")),
                List.of("y"));
        assertInstanceOf(Op.Gemm.class, assertFolds(g, 1).node("mm").op());
    }

    @Test
    void batchNormsThatCannotFoldStay() {
        List<Initializer> inits = new ArrayList<>(bn("bn1", 4));
        inits.addAll(bn("bn2", 4));
        inits.addAll(bn("bn3", 4));
        inits.add(GraphFixtures.random(r, "w", 4, 4, 1, 1));
        inits.add(GraphFixtures.random(r, "w2", 4, 4, 1, 1));
        Graph g = new Graph("no-fold", new GraphInput("x", new Shape(4, 3, 3)), inits,
                List.of(bnNode("bn1", "x", "a"),                                               // reads the graph input
                        new Node("conv", new Op.Conv(Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, Op.Size2.ONE, 1), List.of("a", "w"), List.of("c")),
                        bnNode("bn2", "c", "d"),                                               // c is also read by the Add
                        new Node("add", new Op.Add(), List.of("c", "d"), List.of("e")),
                        new Node("conv2", new Op.Conv(Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, Op.Size2.ONE, 1), List.of("e", "w2"), List.of("h")),
                        bnNode("bn3", "h", "z")),                                              // h is a graph output
                List.of("z", "h"));
        assertSame(g, Folding.foldBatchNorm(g));
        for (String chain : Presets.names()) {
            Graph c = Graph.fromChain(dev.mcdrop.graph.ChainGraphsTest.zeroWeights(Presets.get(chain)));
            assertSame(c, Folding.foldBatchNorm(c), chain);
        }
    }
}
