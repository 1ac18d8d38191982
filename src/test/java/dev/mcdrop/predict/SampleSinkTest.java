package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import org.junit.jupiter.api.Test;

/**
 * {@link McPredictor#predict(ImageSource, java.util.function.IntConsumer, SampleSink)}: sample t
 * of image i is exactly the single pass with sample t's masks, their mean is the MC answer, and
 * neither chunking nor batching changes a bit.
 */
class SampleSinkTest {
    /** samples[t][i][k], and how often each (t, i) was delivered. */
    record Collected(float[][][] samples, int[][] deliveries, ImagePrediction[] predictions) {}

    static Collected collect(Backend backend, Weights w, ImageSource images, McOptions o) {
        int classes = w.network().classes();
        float[][][] samples = new float[o.samples()][images.count()][classes];
        int[][] deliveries = new int[o.samples()][images.count()];
        try (McPredictor p = new McPredictor(backend, w, o)) {
            ImagePrediction[] ps = p.predict(images, null, (pairs, columns, k, probs) -> {
                assertEquals(classes, k);
                for (int n = 0; n < columns; n++) {
                    int t = (int) pairs.sampleOf(n), i = (int) pairs.imageOf(n);
                    deliveries[t][i]++;
                    for (int c = 0; c < k; c++) samples[t][i][c] = probs[c * columns + n];
                }
            });
            return new Collected(samples, deliveries, ps);
        }
    }

    private static void assertEachDeliveredOnce(Collected c) {
        for (int t = 0; t < c.deliveries().length; t++)
            for (int i = 0; i < c.deliveries()[t].length; i++)
                assertEquals(1, c.deliveries()[t][i], "sample " + t + " of image " + i + " delivered");
    }

    @Test
    void everySampleIsItsSinglePassAndTheirMeanIsTheMcAnswer() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 21);
        TestNets.Images images = TestNets.Images.random(a.input(), 5, 22);
        McOptions o = new McOptions(4, 321, 3, 0); // batches of 3 and 2
        Collected c = collect(new ReferenceBackend(), w, images, o);
        assertEachDeliveredOnce(c);
        float scale = a.inputScale();
        for (int i = 0; i < images.count(); i++) {
            double[] mean = new double[w.network().classes()];
            long key = McPredictorTest.imageKey(w, o.maskKey(), images.chw(i, scale), i);
            for (int t = 0; t < o.samples(); t++) {
                double[] expected = NaiveForward.probabilities(w, images.chw(i, scale), o.seed(), t, key, true);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], c.samples()[t][i][k], 2e-6, "sample " + t + " image " + i + " class " + k);
                    mean[k] += c.samples()[t][i][k] / (double) o.samples();
                }
            }
            for (int k = 0; k < mean.length; k++) assertEquals(mean[k], c.predictions()[i].meanProbs()[k], 1e-6, "mean, class " + k);
        }
    }

    @Test
    void chunkingAndBatchingChangeNoBit() {
        Architecture a = Presets.get("lenet-all");
        Weights w = TestNets.randomWeights(a, 23);
        TestNets.Images images = TestNets.Images.random(a.input(), 7, 24);
        Collected base;
        try (CpuBackend cpu = new CpuBackend(2)) {
            base = collect(cpu, w, images, new McOptions(5, 9, 7, 0));
            for (int[] setting : new int[][]{{3, 0}, {7, 3_000_000}, {2, 2_500_000}}) {
                Collected other = collect(cpu, w, images, new McOptions(5, 9, setting[0], setting[1]));
                assertEachDeliveredOnce(other);
                for (int t = 0; t < 5; t++)
                    for (int i = 0; i < images.count(); i++)
                        assertArrayEquals(base.samples()[t][i], other.samples()[t][i],
                                "batch " + setting[0] + " memory " + setting[1] + ": sample " + t + " image " + i);
            }
        }
    }

    @Test
    void withoutDropoutEverySampleIsTheStandardPass() {
        Weights w = TestNets.randomWeights(Presets.get("lenet-none"), 25);
        TestNets.Images images = TestNets.Images.random(w.network().input(), 3, 26);
        Collected c = collect(new ReferenceBackend(), w, images, new McOptions(4, 1, 2, 0));
        assertEachDeliveredOnce(c);
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 10; k++)
                    assertEquals(c.predictions()[i].standardProbs()[k], c.samples()[t][i][k], 1e-6, "t " + t + " image " + i);
    }
}
