package dev.mcdrop.graph;

import dev.mcdrop.backend.Erf;
import static dev.mcdrop.graph.GraphFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcdrop.model.Shape;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The pointwise, broadcast, reshaping, Softmax and dense operators against definitions written out
 * here: scalar formulas, constants expanded by hand to the full shape, explicit matrix products.
 */
class ElementwiseOpsTest {
    private final Random r = new Random(1406);
    private final Shape in = new Shape(3, 4, 5);

    private void assertUnary(Op op, DoubleUnaryOperator f, double tolerance) {
        double[] x = GraphFixtures.randomDoubles(r, 60);
        for (int i = 0; i < 60; i++) x[i] *= 8; // reach past Clip's 6 and the flat parts of Sigmoid / Tanh
        x[0] = 0;
        x[1] = -0.0;
        double[] want = new double[60];
        for (int i = 0; i < 60; i++) want[i] = f.applyAsDouble(x[i]);
        assertClose(want, GraphFixtures.run(GraphFixtures.single(op, in), x), tolerance, op.type());
    }

    @Test
    void activationsAreTheirScalarFormulas() {
        assertUnary(new Op.Relu(), x -> x > 0 ? x : 0, 0);
        assertUnary(new Op.LeakyRelu(0.1), x -> x > 0 ? x : 0.1 * x, 0);
        assertUnary(new Op.Sigmoid(), x -> 1 / (1 + Math.exp(-x)), 1e-15);
        assertUnary(new Op.Tanh(), x -> (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1), 1e-14);
        assertUnary(new Op.Clip(0, 6), x -> x < 0 ? 0 : x > 6 ? 6 : x, 0);
        assertUnary(new Op.Clip(Double.NEGATIVE_INFINITY, 1.5), x -> x > 1.5 ? 1.5 : x, 0);
        assertUnary(new Op.Gelu(), x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2))), 1e-14);
        assertUnary(new Op.Identity(), x -> x, 0);
        assertUnary(new Op.Dropout(0.5f, false), x -> x, 0); // the standard pass
    }

    /** {@code a ∘ b} for constant b of {@code dims}, expected from b expanded by hand to C×H×W with the index arithmetic written out. */
    private void assertBroadcast(Op op, int[] dims, boolean constantFirst) {
        Initializer b = GraphFixtures.random(r, "b", dims);
        double[] x = GraphFixtures.randomDoubles(r, 60);
        Graph g = new Graph("bc", new GraphInput("x", in), List.of(b),
                List.of(new Node("op", op, constantFirst ? List.of("b", "x") : List.of("x", "b"), List.of("y"))), List.of("y"));
        double[] want = new double[60];
        int[] full = {1, 1, 1};
        int off = 3 - (dims.length == 4 ? 3 : dims.length);
        for (int j = 0; j < 3 - off; j++) full[off + j] = dims[dims.length - (3 - off) + j];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int z = 0; z < 5; z++) {
                    double v = b.get(((full[0] == 1 ? 0 : c) * full[1] + (full[1] == 1 ? 0 : y)) * full[2] + (full[2] == 1 ? 0 : z));
                    double u = x[(c * 4 + y) * 5 + z], p = constantFirst ? v : u, q = constantFirst ? u : v;
                    want[(c * 4 + y) * 5 + z] = switch (op) {
                        case Op.Add a -> p + q;
                        case Op.Sub s -> p - q;
                        default -> p * q;
                    };
                }
        assertArrayEquals(want, GraphFixtures.run(g, x), op.type() + " " + java.util.Arrays.toString(dims));
    }

    @Test
    void binaryOpsBroadcastConstantsPerChannelPerRowPerColumnAndWhole() {
        for (Op op : new Op[]{new Op.Add(), new Op.Sub(), new Op.Mul()}) {
            for (int[] dims : new int[][]{{3, 1, 1}, {1, 3, 1, 1}, {}, {1}, {5}, {4, 1}, {3, 4, 5}, {1, 3, 4, 5}, {3, 1, 5}}) {
                assertBroadcast(op, dims, false);
                assertBroadcast(op, dims, true);
            }
        }
    }

    @Test
    void binaryOpsOnTwoComputedTensorsSameShapeAndSqueezeExcitationStyle() {
        // y = x − gap(x) (same shape after broadcast of the pooled [C,1,1]); z = x · gap(x); w = x + x
        Graph g = new Graph("se", new GraphInput("x", in), List.of(),
                List.of(Node.of("gap", new Op.GlobalAveragePool(), "x", "s"),
                        new Node("sub", new Op.Sub(), List.of("x", "s"), List.of("y")),
                        new Node("mul", new Op.Mul(), List.of("s", "x"), List.of("z")),
                        new Node("add", new Op.Add(), List.of("x", "x"), List.of("w"))),
                List.of("y", "z", "w"));
        double[] x = GraphFixtures.randomDoubles(r, 60);
        double[][][] out = new ReferenceGraphExecutor(g).run(new double[][]{x}, new long[]{0}, ReferenceGraphExecutor.Pass.standard());
        double[] mean = new double[3];
        for (int i = 0; i < 60; i++) mean[i / 20] += x[i] / 20;
        for (int i = 0; i < 60; i++) {
            assertEquals(x[i] - mean[i / 20], out[0][0][i], 1e-15);
            assertEquals(mean[i / 20] * x[i], out[1][0][i], 1e-15);
            assertEquals(x[i] + x[i], out[2][0][i]);
        }
    }

    @Test
    void concatFlattenReshapeKeepTheValuesInRowMajorOrder() {
        Initializer w = GraphFixtures.random(r, "w", 2, 3, 1, 1);
        Graph g = new Graph("cat", new GraphInput("x", in), List.of(w),
                List.of(new Node("conv", Op.Conv.simple(1, 0), List.of("x", "w"), List.of("c")),
                        new Node("cat", new Op.Concat(), List.of("x", "c", "x"), List.of("k")),
                        Node.of("flat", new Op.Flatten(), "k", "f"),
                        Node.of("flatx", new Op.Flatten(), "x", "fx"),
                        new Node("cat2", new Op.Concat(), List.of("fx", "fx"), List.of("f2")),
                        Node.of("re", new Op.Reshape(160), "k", "r")),
                List.of("k", "f", "f2", "r", "c"));
        assertEquals(TensorShape.of(8, 4, 5), g.shape("k"));
        assertEquals(TensorShape.features(120), g.shape("f2"));
        double[] x = GraphFixtures.randomDoubles(r, 60);
        double[][][] out = new ReferenceGraphExecutor(g).run(new double[][]{x}, new long[]{0}, ReferenceGraphExecutor.Pass.standard());
        double[] c = out[4][0];
        for (int ch = 0; ch < 8; ch++)
            for (int i = 0; i < 20; i++) {
                double want = ch < 3 ? x[ch * 20 + i] : ch < 5 ? c[(ch - 3) * 20 + i] : x[(ch - 5) * 20 + i];
                assertEquals(want, out[0][0][ch * 20 + i]);
            }
        assertArrayEquals(out[0][0], out[1][0]);
        assertArrayEquals(out[0][0], out[3][0]);
        for (int i = 0; i < 120; i++) assertEquals(x[i % 60], out[2][0][i]);
    }

    @Test
    void softmaxNormalisesAlongItsAxisOnly() {
        double[] x = GraphFixtures.randomDoubles(r, 60);
        for (int axis : new int[]{1, 2, 3, -1, -2, -3}) {
            double[] y = GraphFixtures.run(GraphFixtures.single(new Op.Softmax(axis), in), x);
            int d = (axis < 0 ? axis + 4 : axis) - 1; // per-image dimension
            int[] dims = {3, 4, 5}, stride = {20, 5, 1};
            for (int i = 0; i < 60; i++) {
                int coordinate = i / stride[d] % dims[d];
                int first = i - coordinate * stride[d];
                double sum = 0;
                for (int k = 0; k < dims[d]; k++) sum += Math.exp(x[first + k * stride[d]]);
                assertEquals(Math.exp(x[i]) / sum, y[i], 1e-15, "axis " + axis + " element " + i);
            }
        }
    }

    @Test
    void gemmAndMatMulAreTheMatrixFormula() {
        int k = 7, m = 4;
        double[] a = GraphFixtures.randomDoubles(r, k);
        for (boolean transB : new boolean[]{false, true}) {
            for (int[] cDims : new int[][]{null, {}, {m}, {1, m}}) {
                Initializer b = transB ? GraphFixtures.random(r, "B", m, k) : GraphFixtures.random(r, "B", k, m);
                Initializer c = cDims == null ? null : GraphFixtures.random(r, "C", cDims);
                List<Initializer> inits = c == null ? List.of(b) : List.of(b, c);
                List<String> inputs = c == null ? List.of("f", "B") : List.of("f", "B", "C");
                Graph g = new Graph("gemm", new GraphInput("x", new Shape(k, 1, 1)), inits,
                        List.of(Node.of("flat", new Op.Flatten(), "x", "f"), new Node("gemm", new Op.Gemm(transB, -0.5, 2.0), inputs, List.of("y"))),
                        List.of("y"));
                double[] want = new double[m];
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[p] * (transB ? b.get(j * k + p) : b.get(p * m + j));
                    want[j] = -0.5 * s + (c == null ? 0 : 2.0 * c.get(c.length() == 1 ? 0 : j));
                }
                assertClose(want, GraphFixtures.run(g, a), 1e-15, "Gemm transB=" + transB);
            }
        }
        Initializer b = GraphFixtures.random(r, "B", k, m);
        Graph mm = new Graph("mm", new GraphInput("x", new Shape(k, 1, 1)), List.of(b),
                List.of(Node.of("flat", new Op.Flatten(), "x", "f"), new Node("mm", new Op.MatMul(), List.of("f", "B"), List.of("y"))), List.of("y"));
        double[] want = new double[m];
        for (int j = 0; j < m; j++) for (int p = 0; p < k; p++) want[j] += a[p] * b.get(p * m + j);
        assertClose(want, GraphFixtures.run(mm, a), 1e-15, "MatMul");
    }
}
