package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reported std of the predicted class's probability is the float64 std (population, over the
 * T samples) of that class in the per-pass probabilities the {@link SampleSink} receives — the
 * array {@code predict --samples-out} writes — within 1e-6, on every host backend; and exactly 0
 * for a network without dropout, whose passes are identical. (The old Σp² − (Σp)²/T in float gave
 * std up to ~3e-4 on lenet-none and 5.3e-4 for a sample std of 4.4e-5 on lenet-all image 37.)
 */
class PredictedStdTest {
    private static final Path MNIST = Path.of("test-data/mnist");

    static LabeledImages bundled(int count) throws Exception {
        return Idx.read(MNIST.resolve("t10k-images-first1000-idx3-ubyte.gz"), MNIST.resolve("t10k-labels-first1000-idx1-ubyte.gz"))
                .slice(0, count);
    }

    /** Per-pass probabilities [T][images][classes], gathered from a SampleSink. */
    private static float[][][] samples(Backend backend, Weights w, McOptions o, LabeledImages images, ImagePrediction[][] out) {
        int k = w.network().classes();
        float[][][] s = new float[o.samples()][images.count()][k];
        try (McPredictor mc = new McPredictor(backend, w, o)) {
            out[0] = mc.predict(images, null, (pairs, columns, classes, probs) -> {
                for (int n = 0; n < columns; n++)
                    for (int c = 0; c < classes; c++)
                        s[(int) pairs.sampleOf(n)][(int) pairs.imageOf(n)][c] = probs[c * columns + n];
            });
        }
        return s;
    }

    private static double std(float[][][] s, int image, int k) {
        double mean = 0;
        for (float[] p : pick(s, image)) mean += p[k];
        mean /= s.length;
        double var = 0;
        for (float[] p : pick(s, image)) var += (p[k] - mean) * (p[k] - mean);
        return Math.sqrt(var / s.length);
    }

    private static float[][] pick(float[][][] s, int image) {
        float[][] r = new float[s.length][];
        for (int t = 0; t < s.length; t++) r[t] = s[t][image];
        return r;
    }

    @Test
    void stdIsTheFloat64StdOfTheSamples() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        LabeledImages images = bundled(300);
        for (int samples : new int[]{10, 100}) {
            McOptions o = McOptions.defaults().withSamples(samples).withSeed(7).withBatch(128);
            for (Backend backend : new Backend[]{new CpuBackend(2), new ReferenceBackend()}) {
                if (backend instanceof ReferenceBackend && samples > 10) continue; // slow; T=10 shows it
                try (backend) {
                    ImagePrediction[][] out = new ImagePrediction[1][];
                    float[][][] s = samples(backend, w, o, images, out);
                    double worst = 0;
                    int spread = 0;
                    for (int i = 0; i < images.count(); i++) {
                        double expected = std(s, i, out[0][i].predicted());
                        worst = Math.max(worst, Math.abs(out[0][i].predictedStd() - expected));
                        if (expected > 1e-4) spread++;
                    }
                    assertTrue(worst <= 1e-6, backend.name() + " T=" + samples + ": |std − float64 std of samples| up to " + worst);
                    assertTrue(spread > 50, "too few images with spread to test: " + spread);
                }
            }
        }
    }

    @Test
    void networkWithoutDropoutHasStdExactlyZero() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-none.safetensors"));
        LabeledImages images = bundled(1000);
        try (Backend cpu = new CpuBackend(2);
             McPredictor mc = new McPredictor(cpu, w, McOptions.defaults().withSamples(100).withSeed(7))) {
            for (ImagePrediction p : mc.predict(images)) assertEquals(0.0, p.predictedStd(), 0.0);
        }
    }
}
