package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.graph.Op;
import dev.mcdrop.graph.ReferenceGraphExecutor;
import dev.mcdrop.model.Shape;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled graph engine against its definition: for every graph of {@link GraphNets} (every
 * fusion pattern and operator), {@link McPredictor} on a backend gives, sample by sample with
 * content-keyed masks, the probabilities of {@link ReferenceGraphExecutor} — the plain float64 loops
 * over each operator's definition, run node by node on the unfused, unfolded graph. On the float64
 * {@link ReferenceBackend} they agree to 1e-7 (the results are floats; only summation order and BN folding differ before that), on the
 * CPU backend to float precision. The input goes through a per-channel mean/std
 * ({@link InputTransform}), applied after the mask keys are taken.
 */
class GraphPlanTest {
    static Stream<Arguments> cases() {
        return GraphNets.ALL.keySet().stream().flatMap(n -> Stream.of(Arguments.of(n, "reference"), Arguments.of(n, "cpu")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void compiledPlanEqualsTheReferenceExecutor(String name, String backendName) {
        Graph g = GraphNets.ALL.get(name).get();
        Shape in = g.input().shape();
        float[] mean = new float[in.channels()], std = new float[in.channels()];
        for (int c = 0; c < mean.length; c++) { mean[c] = 0.4f + 0.05f * c; std[c] = 0.25f + 0.01f * c; }
        GraphModel model = new GraphModel(name, g, new InputTransform(1f / 255, mean, std), Map.of());
        TestNets.Images images = TestNets.Images.random(in, 5, name.hashCode());
        int samples = 4, classes = model.classes();
        McOptions o = new McOptions(samples, 77, 3, 0); // batches of 3: two batches, the second partial
        double tolerance = backendName.equals("reference") ? 1e-7 : 2e-5; // the reference: float64 rounded to float at the end

        float[][][] got = new float[samples][images.count()][classes];
        ImagePrediction[] predictions;
        try (Backend backend = backendName.equals("reference") ? new ReferenceBackend() : new CpuBackend(2);
             McPredictor p = new McPredictor(backend, model, o)) {
            predictions = p.predict(images, null, (pairs, columns, k, probs) -> {
                for (int n = 0; n < columns; n++)
                    for (int c = 0; c < k; c++) got[(int) pairs.sampleOf(n)][(int) pairs.imageOf(n)][c] = probs[c * columns + n];
            });
        }

        double[][] x = new double[images.count()][];
        long[] keys = new long[images.count()];
        for (int i = 0; i < images.count(); i++) {
            float[] v = new float[(int) in.elements()];
            images.copyCnhw(i, 1, 1f / 255, v, 0);
            keys[i] = ImageKeys.contentKey(v, in.channels(), 1, in.plane(), 0) & 0xFFFFFFFFL;
            model.transform().normalize(v, in.channels(), 1, in.plane());
            x[i] = new double[v.length];
            for (int j = 0; j < v.length; j++) x[i][j] = v[j];
        }
        ReferenceGraphExecutor exec = new ReferenceGraphExecutor(g);
        boolean softmaxed = g.producer(g.outputs().getFirst()).op() instanceof Op.Softmax;
        double[][][][] want = exec.runSamples(x, keys, o.seed(), samples);
        double[][][] standard = exec.run(x, keys, ReferenceGraphExecutor.Pass.standard());
        int varying = 0;
        for (int i = 0; i < images.count(); i++) {
            double[] s = softmaxed ? standard[0][i] : softmax(standard[0][i]);
            for (int c = 0; c < classes; c++) {
                assertEquals(s[c], predictions[i].standardProbs()[c], tolerance, name + " image " + i + " standard class " + c);
            }
            for (int t = 0; t < samples; t++) {
                double[] p = softmaxed ? want[t][0][i] : softmax(want[t][0][i]);
                for (int c = 0; c < classes; c++) {
                    assertEquals(p[c], got[t][i][c], tolerance, name + " image " + i + " sample " + t + " class " + c);
                    if (Math.abs(p[c] - s[c]) > 1e-6) varying++;
                }
            }
        }
        boolean dropout = g.hasDropout();
        assertTrue(dropout == (varying > 0), name + ": samples differ from the standard pass exactly when the graph has dropout ("
                + varying + " differing probabilities)");
    }

    /** A final Softmax is the reduction's, even behind an Identity; probabilities fed on through a Dropout are refused. */
    @org.junit.jupiter.api.Test
    void theSoftmaxIsTakenOnceOrTheGraphIsRefused() {
        GraphNets.Builder b = new GraphNets.Builder(9, new Shape(1, 4, 4));
        String logits = b.gemm(b.node(new Op.Flatten(), b.relu(b.conv("x", 1, 2, 3, 1))), 32, 3);
        String probs = b.node(new Op.Softmax(1), logits);
        Graph direct = b.build("direct", probs);
        Graph behindIdentity = b.build("identity", b.node(new Op.Identity(), probs));
        TestNets.Images images = TestNets.Images.random(new Shape(1, 4, 4), 2, 5);
        McOptions o = new McOptions(2, 1, 2, 0);
        try (ReferenceBackend ref = new ReferenceBackend();
             McPredictor a = new McPredictor(ref, new GraphModel("a", direct, InputTransform.scale(1f / 255), Map.of()), o);
             McPredictor c = new McPredictor(ref, new GraphModel("c", behindIdentity, InputTransform.scale(1f / 255), Map.of()), o)) {
            ImagePrediction[] pa = a.predict(images), pc = c.predict(images);
            for (int i = 0; i < 2; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(pa[i].standardProbs(), pc[i].standardProbs());
        }
        GraphNets.Builder d = new GraphNets.Builder(9, new Shape(1, 4, 4));
        String after = d.dropout(d.node(new Op.Softmax(1), d.gemm(d.node(new Op.Flatten(), d.conv("x", 1, 2, 3, 1)), 32, 3)), 0.5f);
        Graph twice = d.build("twice", after);
        try (ReferenceBackend ref = new ReferenceBackend()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.mcdrop.graph.GraphException.class,
                    () -> new McPredictor(ref, new GraphModel("twice", twice, InputTransform.RAW, Map.of()), o).close());
            assertTrue(e.getMessage().contains("computed from the probabilities of node"), e.getMessage());
        }
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : z) max = Math.max(max, v);
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }
}
