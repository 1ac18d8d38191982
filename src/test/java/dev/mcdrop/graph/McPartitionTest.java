package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The prefix-once rule on hand-made DAGs: a residual block wholly before the dropout runs once
 * per image; one whose skip starts before the dropout and joins after it runs per sample from the
 * join on, its skip tensor expanded; a side branch that never meets a dropout runs once even after
 * the dropout in topological order. On each, running the once-part once per image
 * ({@link ReferenceGraphExecutor#runSamples}) gives every sample's whole pass bit for bit.
 */
class McPartitionTest {
    private static final Shape IN = new Shape(4, 6, 6);
    private final Random r = new Random(1408);
    private final List<Initializer> inits = new ArrayList<>();

    private Node conv(String name, String in, String out) {
        inits.add(GraphFixtures.random(r, name + ".w", 4, 4, 3, 3));
        inits.add(GraphFixtures.random(r, name + ".b", 4));
        return new Node(name, Op.Conv.simple(1, 1), List.of(in, name + ".w", name + ".b"), List.of(out));
    }

    private Node head(String name, String in, String out) {
        inits.add(GraphFixtures.random(r, name + ".B", 3, 4));
        return new Node(name, new Op.Gemm(true, 1, 0), List.of(in, name + ".B"), List.of(out));
    }

    private static Node op(String name, Op op, String out, String... in) { return new Node(name, op, List.of(in), List.of(out)); }

    private static List<String> names(List<Node> nodes) { return nodes.stream().map(Node::name).toList(); }

    /** runSamples (prefix once) equals run (whole pass) for every sample, and the samples differ. */
    private static void assertOnceEqualsWhole(Graph g) {
        Random r = new Random(7);
        double[][] x = {GraphFixtures.randomDoubles(r, 144), GraphFixtures.randomDoubles(r, 144)};
        long[] keys = {11, 12};
        ReferenceGraphExecutor exec = new ReferenceGraphExecutor(g);
        double[][][][] samples = exec.runSamples(x, keys, 99, 3);
        for (int s = 0; s < 3; s++) {
            double[][][] whole = exec.run(x, keys, ReferenceGraphExecutor.Pass.mc(99, s));
            for (int o = 0; o < whole.length; o++)
                for (int i = 0; i < 2; i++) assertArrayEquals(whole[o][i], samples[s][o][i], "sample " + s + " output " + o + " image " + i);
        }
        assertNotEquals(java.util.Arrays.toString(samples[0][0][0]), java.util.Arrays.toString(samples[1][0][0]), "masks differ by sample");
    }

    @Test
    void residualBlockBeforeTheDropoutRunsOnce() {
        Graph g = new Graph("res-before", new GraphInput("x", IN), inits, List.of(
                conv("c1", "x", "a"), op("r1", new Op.Relu(), "b", "a"), conv("c2", "b", "c"),
                op("add", new Op.Add(), "d", "a", "c"),
                op("drop", new Op.Dropout(0.5f, false), "e", "d"),
                op("gap", new Op.GlobalAveragePool(), "f", "e"), op("flat", new Op.Flatten(), "g", "f"), head("fc", "g", "y")),
                List.of("y"));
        McPartition p = McPartition.of(g);
        assertEquals(List.of("c1", "r1", "c2", "add"), names(p.once()));
        assertEquals(List.of("drop", "gap", "flat", "fc"), names(p.sampled()));
        assertEquals(List.of("d"), p.expanded());
        assertFalse(p.reachedByDropout("add"));
        assertTrue(p.reachedByDropout("drop"));
        assertEquals("4 of 8 nodes run once per image, 4 on every sample; expanded into the T samples: 'd' Nx4x6x6", p.describe());
        assertOnceEqualsWhole(g);
    }

    @Test
    void residualBlockAcrossTheDropoutRunsPerSampleFromTheJoinAndExpandsItsSkip() {
        Graph g = new Graph("res-across", new GraphInput("x", IN), inits, List.of(
                conv("c1", "x", "a"), op("r1", new Op.Relu(), "b", "a"),
                op("drop", new Op.Dropout(0.5f, false), "d", "b"),
                conv("c2", "d", "c"), op("add", new Op.Add(), "e", "b", "c"),      // skip from before the dropout
                conv("c3", "e", "h"), op("add2", new Op.Add(), "k", "e", "h"),     // a residual block wholly after it
                op("gap", new Op.GlobalAveragePool(), "f", "k"), op("flat", new Op.Flatten(), "g", "f"), head("fc", "g", "y")),
                List.of("y"));
        McPartition p = McPartition.of(g);
        assertEquals(List.of("c1", "r1"), names(p.once()));
        assertEquals(List.of("drop", "c2", "add", "c3", "add2", "gap", "flat", "fc"), names(p.sampled()));
        assertEquals(List.of("b"), p.expanded(), "b feeds the dropout and the skip: replicated once for both");
        assertTrue(p.varies("e") && !p.varies("b") && !p.varies("x"));
        assertOnceEqualsWhole(g);
    }

    @Test
    void sideBranchThatNeverMeetsADropoutRunsOnce() {
        Graph g = new Graph("side", new GraphInput("x", IN), inits, List.of(
                conv("c1", "x", "a"),
                op("drop", new Op.Dropout(0.5f, true), "d", "a"),
                op("gap", new Op.GlobalAveragePool(), "f", "d"), op("flat", new Op.Flatten(), "g", "f"), head("fc", "g", "y"),
                op("side_gap", new Op.GlobalMaxPool(), "s", "a"), op("side_flat", new Op.Flatten(), "t", "s"), head("aux", "t", "z"),
                op("mix", new Op.Mul(), "m", "f", "s")),
                List.of("y", "z", "m"));
        McPartition p = McPartition.of(g);
        assertEquals(List.of("c1", "side_gap", "side_flat", "aux"), names(p.once()));
        assertEquals(List.of("drop", "gap", "flat", "fc", "mix"), names(p.sampled()));
        assertEquals(List.of("a", "s"), p.expanded());
        assertFalse(p.reachedByDropout("aux"));
        assertTrue(p.describe().endsWith("; outputs no dropout reaches: ['z']"), p.describe());
        assertOnceEqualsWhole(g);
    }

    @Test
    void withoutDropoutEverythingRunsOnce() {
        Graph g = new Graph("plain", new GraphInput("x", IN), inits, List.of(conv("c1", "x", "a"), op("relu", new Op.Relu(), "y", "a")), List.of("y"));
        McPartition p = McPartition.of(g);
        assertTrue(p.deterministic());
        assertEquals(List.of(), p.expanded());
        assertEquals("no dropout: all 2 nodes run once per image (MC = standard prediction)", p.describe());
    }
}
