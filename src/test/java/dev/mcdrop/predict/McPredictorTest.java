package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import org.junit.jupiter.api.Test;

/**
 * The predictor on the float64 reference backend against {@link NaiveForward}: the MC mean is
 * the mean of T separate single passes, the standard prediction is the forward pass with dropout
 * as identity, and chunk size and batch size change nothing.
 */
class McPredictorTest {
    static ImagePrediction[] predict(Backend backend, Weights w, ImageSource images, McOptions o) {
        try (McPredictor p = new McPredictor(backend, w, o)) {
            return p.predict(images, null);
        }
    }

    static void assertMatchesNaive(Weights w, TestNets.Images images, McOptions o, ImagePrediction[] ps, double tol) {
        float scale = w.network().architecture().inputScale();
        for (int i = 0; i < images.count(); i++) {
            double[] x = images.chw(i, scale);
            long key = imageKey(w, o.maskKey(), x, i);
            double[] mean = new double[w.network().classes()];
            for (int t = 0; t < o.samples(); t++) {
                double[] p = NaiveForward.probabilities(w, x, o.seed(), t, key, true);
                for (int k = 0; k < mean.length; k++) mean[k] += p[k] / o.samples();
            }
            double[] standard = NaiveForward.probabilities(w, x, o.seed(), 0, i, false);
            for (int k = 0; k < mean.length; k++) {
                assertEquals(mean[k], ps[i].meanProbs()[k], tol, "image " + i + " class " + k + " MC mean");
                assertEquals(standard[k], ps[i].standardProbs()[k], tol, "image " + i + " class " + k + " standard");
            }
        }
    }

    /** The image word of image {@code index}'s masks under {@code keying} (docs/DESIGN.md "Masks"). */
    static long imageKey(Weights w, MaskKeying keying, double[] chw, int index) {
        float[] values = new float[chw.length];
        for (int j = 0; j < chw.length; j++) values[j] = (float) chw[j];
        var in = w.network().input();
        return switch (keying) {
            case CONTENT -> ImageKeys.contentKey(values, in.channels(), 1, in.plane(), 0) & 0xFFFFFFFFL;
            case POSITION -> index;
            case SHARED -> 0;
        };
    }

    @Test
    void mcMeanIsTheMeanOfSeparatePassesOnAMixedNetwork() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 1);
        TestNets.Images images = TestNets.Images.random(a.input(), 5, 2);
        McOptions o = new McOptions(7, 1234, 3, 0);
        ImagePrediction[] ps = predict(new ReferenceBackend(), w, images, o);
        assertMatchesNaive(w, images, o, ps, 2e-6);
        for (MaskKeying k : MaskKeying.values()) {                      // every keying reaches the masks as documented
            McOptions keyed = o.withMaskKey(k);
            assertMatchesNaive(w, images, keyed, predict(new ReferenceBackend(), w, images, keyed), 2e-6);
        }
        // The test can fail: dropout must matter on this network.
        boolean differs = false;
        for (ImagePrediction p : ps) differs |= Math.abs(p.meanProbs()[0] - p.standardProbs()[0]) > 1e-3;
        assertTrue(differs, "MC and standard predictions should differ");
    }

    @Test
    void lenetAllAgreesWithNaiveForward() {
        Architecture a = Presets.get("lenet-all");
        Weights w = TestNets.randomWeights(a, 3);
        TestNets.Images images = TestNets.Images.random(a.input(), 2, 4);
        McOptions o = new McOptions(3, 99, 2, 0);
        assertMatchesNaive(w, images, o, predict(new ReferenceBackend(), w, images, o), 2e-6);
    }

    @Test
    void withoutDropoutMcEqualsStandard() {
        Architecture a = Presets.get("lenet-none");
        Weights w = TestNets.randomWeights(a, 5);
        TestNets.Images images = TestNets.Images.random(a.input(), 2, 6);
        ImagePrediction[] ps = predict(new ReferenceBackend(), w, images, new McOptions(10, 1, 2, 0));
        for (ImagePrediction p : ps) {
            assertArrayEquals(p.standardProbs(), p.meanProbs());
            assertEquals(0, p.mutualInformation(), 1e-7);
            assertEquals(0, p.variationRatio());
        }
    }

    @Test
    void chunkAndBatchSizeChangeNothing() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 7);
        TestNets.Images images = TestNets.Images.random(a.input(), 7, 8);
        ImagePrediction[] base = predict(new ReferenceBackend(), w, images, new McOptions(6, 5, 7, 0));
        for (int batch : new int[]{1, 3, 7}) {
            for (long memory : new long[]{0, 40_000, 90_000}) {
                ImagePrediction[] other;
                try {
                    other = predict(new ReferenceBackend(), w, images, new McOptions(6, 5, batch, memory));
                } catch (IllegalArgumentException tooSmall) {
                    continue;
                }
                for (int i = 0; i < base.length; i++) {
                    assertArrayEquals(base[i].meanProbs(), other[i].meanProbs(), "batch " + batch + " memory " + memory);
                    assertArrayEquals(base[i].standardProbs(), other[i].standardProbs());
                    assertEquals(base[i].mutualInformation(), other[i].mutualInformation());
                    assertEquals(base[i].variationRatio(), other[i].variationRatio());
                }
            }
        }
    }

    @Test
    void prefixesOfOneRunEqualSeparateRunsBitForBit() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 12);
        TestNets.Images images = TestNets.Images.random(a.input(), 7, 13);
        int[] ts = {1, 2, 5, 6};
        // batches of 4 and 3 and a budget whose chunks align with neither
        McOptions o = null;
        for (long memory = 30_000; o == null && memory < 80_000; memory += 1_000) {
            try (McPredictor p = new McPredictor(new ReferenceBackend(), w, new McOptions(6, 5, 4, memory))) {
                if (p.chunkColumns() % 4 != 0 && p.chunkColumns() % 3 != 0) o = p.options();
            } catch (IllegalArgumentException tooSmall) {
                // try more memory
            }
        }
        assertTrue(o != null, "no budget gives unaligned chunks");
        ImagePrediction[][] prefixes;
        LateDownloadBackend late = new LateDownloadBackend(new ReferenceBackend());
        try (McPredictor p = new McPredictor(late, w, o)) {
            prefixes = p.predictPrefixes(images, ts, null);
            assertThrows(IllegalArgumentException.class, () -> p.predictPrefixes(images, new int[]{2, 2}, null));
            assertThrows(IllegalArgumentException.class, () -> p.predictPrefixes(images, new int[]{7}, null));
        }
        for (int k = 0; k < ts.length; k++) {
            ImagePrediction[] alone = predict(new ReferenceBackend(), w, images, o.withSamples(ts[k]));
            for (int i = 0; i < alone.length; i++) {
                assertArrayEquals(alone[i].meanProbs(), prefixes[k][i].meanProbs(), "T=" + ts[k] + " image " + i);
                assertArrayEquals(alone[i].standardProbs(), prefixes[k][i].standardProbs(), "T=" + ts[k] + " image " + i);
                assertEquals(alone[i].mutualInformation(), prefixes[k][i].mutualInformation());
                assertEquals(alone[i].variationRatio(), prefixes[k][i].variationRatio());
            }
        }
        // and T matters, so the comparison above could fail
        assertTrue(prefixes[0][0].meanProbs()[0] != prefixes[3][0].meanProbs()[0]);
    }

    @Test
    void smallChunksAreReallyUsed() {
        Weights w = TestNets.randomWeights(TestNets.mixed(), 7);
        try (McPredictor p = new McPredictor(new ReferenceBackend(), w, new McOptions(6, 5, 7, 40_000))) {
            assertTrue(p.chunkColumns() < 42 && p.chunkColumns() >= 1, "chunk " + p.chunkColumns());
        }
    }

    @Test
    void pipelinedBatchesReadResultsOnlyAfterTheyLand() {
        // 7 images in batches of 2: four batches, each issued before the previous one is summarised.
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 8);
        TestNets.Images images = TestNets.Images.random(a.input(), 7, 9);
        McOptions o = new McOptions(5, 77, 2, 0);
        ImagePrediction[] expected = predict(new ReferenceBackend(), w, images, o);
        LateDownloadBackend late = new LateDownloadBackend(new ReferenceBackend());
        ImagePrediction[] got = predict(late, w, images, o);
        assertTrue(late.pendingAtMost >= 4, "the next batch's downloads should be issued before the last batch is awaited: "
                + late.pendingAtMost);
        assertEquals(0, late.pending, "every download awaited");
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].meanProbs(), got[i].meanProbs(), "image " + i);
            assertArrayEquals(expected[i].standardProbs(), got[i].standardProbs(), "image " + i);
        }
    }

    @Test
    void seedMatters() {
        Weights w = TestNets.randomWeights(TestNets.mixed(), 7);
        TestNets.Images images = TestNets.Images.random(w.network().input(), 2, 8);
        ImagePrediction[] a = predict(new ReferenceBackend(), w, images, new McOptions(4, 1, 2, 0));
        ImagePrediction[] b = predict(new ReferenceBackend(), w, images, new McOptions(4, 2, 2, 0));
        assertTrue(Math.abs(a[0].meanProbs()[0] - b[0].meanProbs()[0]) > 1e-6);
    }

    @Test
    void aTightBudgetTakesFewerImagesPerBatchAndChangesNoResult() {
        Weights w = TestNets.randomWeights(Presets.get("lenet-all"), 2);
        TestNets.Images images = TestNets.Images.random(w.network().input(), 9, 3);
        McOptions roomy = new McOptions(3, 5, 9, 0), tight = new McOptions(3, 5, 1000, 1_500_000);
        ImagePrediction[] expected = predict(new ReferenceBackend(), w, images, roomy);
        try (McPredictor p = new McPredictor(new ReferenceBackend(), w, tight)) {
            assertTrue(p.batchImages() >= 1 && p.batchImages() < 9, "batch " + p.batchImages());
            assertEquals(p.batchImages(), p.options().batchImages());
            assertTrue(p.workspaceBytes() <= 1_500_000, "workspace " + p.workspaceBytes());
            ImagePrediction[] got = p.predict(images, null);
            for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i].meanProbs(), got[i].meanProbs(), "image " + i);
        }
    }

    @Test
    void tooSmallMemoryBudgetIsAClearError() {
        Weights w = TestNets.randomWeights(Presets.get("lenet-all"), 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new McPredictor(new ReferenceBackend(), w, new McOptions(10, 1, 1000, 1000)));
        assertTrue(e.getMessage().contains("smallest plan") && e.getMessage().contains("--memory"), e.getMessage());
    }

    @Test
    void wrongImageShapeIsRejected() {
        Weights w = TestNets.randomWeights(Presets.get("lenet-all"), 1);
        TestNets.Images images = TestNets.Images.random(new dev.mcdrop.model.Shape(1, 32, 32), 1, 1);
        try (McPredictor p = new McPredictor(new ReferenceBackend(), w, new McOptions(2, 1, 1, 0))) {
            var e = assertThrows(IllegalArgumentException.class, () -> p.predict(images, null));
            assertTrue(e.getMessage().contains("1x28x28"), e.getMessage());
        }
    }

    /** A NaN pixel (possible from an ImageSource of floats) gives an error naming the image, not NaN probabilities. */
    @Test
    void nonFiniteOutputsAreAnErrorNamingTheImage() {
        Weights w = TestNets.randomWeights(Presets.get("lenet-all"), 1);
        TestNets.Images images = TestNets.Images.random(new dev.mcdrop.model.Shape(1, 28, 28), 5, 1);
        images.pixels()[3 * 784 + 100] = Float.NaN; // image 3
        try (McPredictor p = new McPredictor(new dev.mcdrop.cpu.CpuBackend(1), w, new McOptions(4, 1, 2, 0))) {
            var e = assertThrows(NonFiniteOutputException.class, () -> p.predict(images, null));
            assertTrue(e.getMessage().contains("gives non-finite probabilities for image 3 "), e.getMessage());
        }
    }
}
