package dev.mcdrop.graph;

import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Random tensors and small graphs for the graph package's tests. */
final class GraphFixtures {
    private GraphFixtures() {}

    static float[] randomFloats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    static double[] randomDoubles(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() * 2 - 1;
        return v;
    }

    static Initializer random(Random r, String name, int... dims) {
        return Initializer.of(name, dims, randomFloats(r, Arrays.stream(dims).reduce(1, (a, b) -> a * b)));
    }

    /** Positive values in [lo, hi) (variances, BN scales). */
    static Initializer positive(Random r, String name, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        return Initializer.of(name, new int[]{n}, v);
    }

    /** input 'x' of {@code in} → one node 'op' reading x and {@code inits} (by name, in order) → output 'y'. */
    static Graph single(Op op, Shape in, Initializer... inits) {
        List<String> inputs = new ArrayList<>();
        inputs.add("x");
        for (Initializer i : inits) inputs.add(i.name());
        return new Graph("single", new GraphInput("x", in), List.of(inits), List.of(new Node("op", op, inputs, List.of("y"))), List.of("y"));
    }

    /** The single output of {@code g} for one image, standard pass. */
    static double[] run(Graph g, double[] image) {
        return new ReferenceGraphExecutor(g).run(new double[][]{image}, new long[]{0}, ReferenceGraphExecutor.Pass.standard())[0][0];
    }

    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance * scale)) {
                org.junit.jupiter.api.Assertions.fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
