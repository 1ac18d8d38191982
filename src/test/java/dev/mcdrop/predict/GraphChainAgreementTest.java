package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.ReferenceGraphExecutor;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The graph engine's control against the chain engine's: for every bundled preset and the mixed
 * test net (per-channel dropout, average pooling, stride, padding, dropout before ReLU), the chain
 * network turned into a graph ({@link Graph#fromChain}) and run by {@link ReferenceGraphExecutor}
 * gives, MC sample by sample with content-keyed masks,
 * <ul>
 *   <li>exactly the chain's float64 {@link ReferenceBackend} path through {@link McPredictor}: the
 *       same doubles, so the same floats once rounded (every per-sample probability, and the
 *       standard prediction), and</li>
 *   <li>{@link NaiveForward}'s probabilities to 1e-12.</li>
 * </ul>
 * The samples run with the prefix once per image ({@code runSamples}) and the last one run as a
 * whole pass ({@code run}) agree bit for bit. The CIFAR nets (180 M multiply-adds per pass in
 * plain float64 loops) run one image, two samples.
 */
class GraphChainAgreementTest {
    static Stream<String> nets() {
        List<String> all = new ArrayList<>(Presets.names());
        all.add("mixed");
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void graphEqualsChainSampleBySample(String name) {
        Architecture a = name.equals("mixed") ? TestNets.mixed() : Presets.get(name);
        boolean big = name.startsWith("cifar");
        Weights w = TestNets.randomWeights(a, name.hashCode());
        TestNets.Images images = TestNets.Images.random(a.input(), big ? 1 : 3, name.hashCode() + 1);
        McOptions o = new McOptions(big ? 2 : 4, 1234, 2, 0);
        SampleSinkTest.Collected chain = SampleSinkTest.collect(new ReferenceBackend(), w, images, o);

        Graph g = Graph.fromChain(w);
        ReferenceGraphExecutor exec = new ReferenceGraphExecutor(g);
        int n = images.count(), classes = w.network().classes();
        double[][] x = new double[n][];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = images.chw(i, a.inputScale());
            keys[i] = McPredictorTest.imageKey(w, o.maskKey(), x[i], i);
        }
        double[][][][] samples = exec.runSamples(x, keys, o.seed(), o.samples());
        double[][][] standard = exec.run(x, keys, ReferenceGraphExecutor.Pass.standard());
        int differing = 0;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < o.samples(); t++) {
                double[] p = samples[t][0][i];
                double[] naive = NaiveForward.probabilities(w, x[i], o.seed(), t, keys[i], true);
                for (int k = 0; k < classes; k++) {
                    String at = name + " image " + i + " sample " + t + " class " + k;
                    assertEquals(chain.samples()[t][i][k], (float) p[k], at + ": chain reference backend");
                    assertEquals(naive[k], p[k], 1e-12, at + ": naive forward");
                    if (Math.abs(p[k] - standard[0][i][k]) > 1e-6) differing++;
                }
                if (t == o.samples() - 1) {
                    double[] whole = exec.run(new double[][]{x[i]}, new long[]{keys[i]}, ReferenceGraphExecutor.Pass.mc(o.seed(), t))[0][0];
                    assertArrayEquals(p, whole, name + ": prefix-once run vs whole pass, sample " + t);
                }
            }
            double[] naive = NaiveForward.probabilities(w, x[i], o.seed(), 0, keys[i], false);
            for (int k = 0; k < classes; k++) {
                assertEquals(chain.predictions()[i].standardProbs()[k], (float) standard[0][i][k], name + " image " + i + " standard class " + k);
                assertEquals(naive[k], standard[0][i][k], 1e-12, name + " image " + i + " standard class " + k + ": naive");
            }
        }
        assertTrue(differing > 0 || !w.network().hasDropout(), name + ": masks should change some probability");
    }
}
