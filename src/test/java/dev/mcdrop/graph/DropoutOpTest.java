package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import dev.mcdrop.rng.DropoutMask;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dropout on graphs: each unit's fate is {@link DropoutMask#keep} of (seed, sample, image key,
 * mask index, element) read directly, per element or per channel; the mask index is the node's
 * rank among the Dropout nodes unless given, and two Dropouts may not share one.
 */
class DropoutOpTest {
    private final Random r = new Random(1407);

    @Test
    void maskBitsComeStraightFromDropoutMask() {
        Shape in = new Shape(3, 5, 6);
        for (boolean perChannel : new boolean[]{false, true}) {
            Graph g = new Graph("d", new GraphInput("x", in), List.of(),
                    List.of(Node.of("relu", new Op.Relu(), "x", "a"), Node.of("d0", new Op.Dropout(0.3f, false), "a", "b"),
                            Node.of("d1", new Op.Dropout(0.6f, perChannel), "b", "y")),
                    List.of("y", "b"));
            assertEquals(0, g.maskIndex(g.node("d0")));
            assertEquals(1, g.maskIndex(g.node("d1")));
            double[] x = GraphFixtures.randomDoubles(r, 90);
            for (int i = 0; i < 90; i++) x[i] = Math.abs(x[i]) + 0.1; // no zeros, so a 0 out means dropped
            long seed = 0x1234_5678_9ABCL, key = 0xFFFF_FFF0L;
            int kept = 0;
            for (int sample : new int[]{0, 7}) {
                var out = new ReferenceGraphExecutor(g).run(new double[][]{x}, new long[]{key}, ReferenceGraphExecutor.Pass.mc(seed, sample));
                for (int e = 0; e < 90; e++) {
                    boolean k0 = DropoutMask.keep(seed, sample, key, 0, e, DropoutMask.dropThreshold(0.3f));
                    boolean k1 = DropoutMask.keep(seed, sample, key, 1, perChannel ? e / 30 : e, DropoutMask.dropThreshold(0.6f));
                    assertEquals(k0 ? x[e] / (1 - 0.3f) : 0, out[1][0][e], 1e-15, "first dropout, element " + e);
                    assertEquals(k0 && k1 ? x[e] / (1 - 0.3f) / (1 - 0.6f) : 0, out[0][0][e], 1e-14, "second dropout, element " + e);
                    if (k1) kept++;
                }
            }
            assertTrue(kept > 0 && kept < 180, kept + " kept of 180");
        }
    }

    @Test
    void explicitMaskIndicesReplaceTheOrdinalAndMustBeDistinct() {
        Shape in = new Shape(1, 4, 8);
        Graph g = new Graph("d", new GraphInput("x", in), List.of(),
                List.of(Node.of("a", new Op.Dropout(0.5f, false, OptionalInt.of(9)), "x", "y")), List.of("y"));
        assertEquals(9, g.maskIndex(g.node("a")));
        double[] x = new double[32];
        java.util.Arrays.fill(x, 1);
        double[] nine = new ReferenceGraphExecutor(g).run(new double[][]{x}, new long[]{3}, ReferenceGraphExecutor.Pass.mc(5, 2))[0][0];
        for (int e = 0; e < 32; e++) assertEquals(DropoutMask.keep(5, 2, 3, 9, e, DropoutMask.dropThreshold(0.5f)), nine[e] != 0);
        Graph zero = new Graph("d", new GraphInput("x", in), List.of(), List.of(Node.of("a", new Op.Dropout(0.5f, false), "x", "y")), List.of("y"));
        assertNotEquals(java.util.Arrays.toString(nine),
                java.util.Arrays.toString(new ReferenceGraphExecutor(zero).run(new double[][]{x}, new long[]{3}, ReferenceGraphExecutor.Pass.mc(5, 2))[0][0]));
        GraphException e = org.junit.jupiter.api.Assertions.assertThrows(GraphException.class, () -> new Graph("d", new GraphInput("x", in), List.of(),
                List.of(Node.of("a", new Op.Dropout(0.5f, false, OptionalInt.of(1)), "x", "y"), Node.of("b", new Op.Dropout(0.5f, false), "y", "z")),
                List.of("z")));
        assertEquals("node 'b' (Dropout): mask index 1 is also node 'a' (Dropout)'s; two dropouts with one index would draw the same masks",
                e.getMessage());
    }
}
