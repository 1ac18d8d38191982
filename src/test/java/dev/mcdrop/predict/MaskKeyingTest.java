package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.HostKeys;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskKeying}: content keys make an image's answer independent of its batch and position;
 * shared keys give every image of a sample the same masks; position keys are the image's index.
 * Checked on whole predictions and on the masks the predictor hands the backend.
 */
class MaskKeyingTest {
    private static final Weights LENET = load();

    private static Weights load() {
        try {
            return WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ImagePrediction[] predict(LabeledImages images, McOptions o) {
        try (Backend cpu = new CpuBackend(2); McPredictor mc = new McPredictor(cpu, LENET, o)) {
            return mc.predict(images);
        }
    }

    /** {@code base} with its image {@code which} moved to {@code at} (the others keep their order). */
    private static LabeledImages placed(LabeledImages base, int which, int at) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < base.count(); i++) if (i != which) order.add(i);
        order.add(at, which);
        return base.subset(order.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void assertSame(ImagePrediction a, ImagePrediction b, String what) {
        assertArrayEquals(a.meanProbs(), b.meanProbs(), 0f, what + ": probabilities");
        assertEquals(Double.doubleToRawLongBits(a.entropy()), Double.doubleToRawLongBits(b.entropy()), what + ": entropy");
        assertEquals(Double.doubleToRawLongBits(a.mutualInformation()), Double.doubleToRawLongBits(b.mutualInformation()), what + ": MI");
        assertEquals(Double.doubleToRawLongBits(a.predictedStd()), Double.doubleToRawLongBits(b.predictedStd()), what + ": std");
        assertEquals(a.variationRatio(), b.variationRatio(), 0.0, what + ": variation ratio");
        assertArrayEquals(a.standardProbs(), b.standardProbs(), 0f, what + ": standard probabilities");
    }

    @Test
    void contentKeysGiveAnImageTheSameAnswerAloneAndAnywhereInABatch() throws Exception {
        LabeledImages all = PredictedStdTest.bundled(1000);
        McOptions o = McOptions.defaults().withSamples(20).withSeed(3);
        for (int which : new int[]{37, 500}) {
            ImagePrediction alone = predict(all.slice(which, 1), o.withBatch(1))[0];
            ImagePrediction first = predict(placed(all, which, 0), o)[0];
            ImagePrediction last = predict(placed(all, which, 999), o.withBatch(300))[999];
            assertSame(alone, first, "image " + which + " alone vs at position 0");
            assertSame(alone, last, "image " + which + " alone vs at position 999 (batch 300)");
            // position keys: the same image at positions 0 and 999 draws different masks
            ImagePrediction p0 = predict(placed(all, which, 0).slice(0, 10), o.withMaskKey(MaskKeying.POSITION))[0];
            ImagePrediction p999 = predict(placed(all, which, 999), o.withMaskKey(MaskKeying.POSITION))[999];
            assertNotEquals(Arrays.toString(p0.meanProbs()), Arrays.toString(p999.meanProbs()), "position keys ignore content");
        }
    }

    /** A CPU backend that keeps the image key of every (sample, image) column each masked op was given. */
    private static final class KeyRecorder extends ForwardingBackend {
        final List<long[]> seen = new ArrayList<>(); // {sample, image position, key}

        KeyRecorder() { super(new CpuBackend(2)); }

        private void record(MaskSpec m, int columns) {
            if (m == null || m.threshold() == 0) return; // the standard pass draws nothing
            for (int n = 0; n < columns; n++) seen.add(new long[]{m.pairs().sampleOf(n), m.pairs().imageOf(n), m.imageKey(n)});
        }

        @Override public void expandDropout(Buffer src, long so, Buffer dst, long dO, int channels, int columns, int plane, MaskSpec m) {
            record(m, columns);
            super.expandDropout(src, so, dst, dO, channels, columns, plane, m);
        }

        @Override public void expandDropoutPool(Buffer src, long so, int channels, int columns, dev.mcdrop.backend.PoolGeometry g,
                                                MaskSpec m, Buffer via, Buffer dst, long dO) {
            record(m, columns);
            super.expandDropoutPool(src, so, channels, columns, g, m, via, dst, dO);
        }

        @Override public void biasActivation(Buffer x, long xo, Buffer bias, int channels, int columns, int plane,
                                             dev.mcdrop.backend.Activation act, MaskSpec m) {
            record(m, columns);
            super.biasActivation(x, xo, bias, channels, columns, plane, act, m);
        }

        @Override public void biasActivationPool(Buffer x, long xo, Buffer bias, int channels, int columns,
                                                 dev.mcdrop.backend.PoolGeometry g, dev.mcdrop.backend.Activation act, MaskSpec m,
                                                 Buffer dst, long dO) {
            record(m, columns);
            super.biasActivationPool(x, xo, bias, channels, columns, g, act, m, dst, dO);
        }
    }

    private static List<long[]> keysSeen(LabeledImages images, McOptions o) {
        try (KeyRecorder r = new KeyRecorder(); McPredictor mc = new McPredictor(r, LENET, o)) {
            mc.predict(images);
            return r.seen;
        }
    }

    @Test
    void sharedKeysGiveEveryImageOfASampleTheSameMasks() throws Exception {
        LabeledImages images = PredictedStdTest.bundled(40);
        McOptions o = McOptions.defaults().withSamples(3).withBatch(16).withMaskKey(MaskKeying.SHARED);
        List<long[]> seen = keysSeen(images, o);
        assertEquals(3L * 3 * 40, seen.size(), "three dropout layers × T × images");
        for (long[] s : seen) assertEquals(0L, s[2], "shared: every image's key is 0");
        // and the masks themselves: every image of sample t draws the same bits, other samples other bits
        MaskSpec spec = new MaskSpec(42, 0, 0.5f, false, new dev.mcdrop.backend.Pairs(0, 40, 0), HostKeys.of(new int[40]));
        boolean[] first = bits(spec, 0);
        for (int column = 1; column < 40; column++) assertArrayEquals(first, bits(spec, column), "column " + column + " of sample 0");
        MaskSpec sample1 = new MaskSpec(42, 0, 0.5f, false, new dev.mcdrop.backend.Pairs(40, 40, 0), HostKeys.of(new int[40]));
        assertTrue(!Arrays.equals(first, bits(sample1, 0)), "sample 1 draws other masks than sample 0");
    }

    private static boolean[] bits(MaskSpec m, int column) {
        boolean[] b = new boolean[2880]; // LeNet's first dropout: 20 × 12 × 12
        for (int e = 0; e < b.length; e++) b[e] = m.keep(column, e / 144, e);
        return b;
    }

    @Test
    void contentAndPositionKeysReachTheMasks() throws Exception {
        LabeledImages images = PredictedStdTest.bundled(40);
        McOptions o = McOptions.defaults().withSamples(2).withBatch(16);
        for (long[] s : keysSeen(images, o.withMaskKey(MaskKeying.POSITION))) assertEquals(s[1], s[2], "position key = index");
        float[] cnhw = new float[784];
        for (long[] s : keysSeen(images, o)) {
            images.copyCnhw((int) s[1], 1, LENET.network().architecture().inputScale(), cnhw, 0);
            assertEquals(ImageKeys.contentKey(cnhw, 1, 1, 784, 0) & 0xFFFFFFFFL, s[2], "content key of image " + s[1]);
        }
    }

    @Test
    void contentKeyFollowsTheDocumentedRecipe() {
        // Expected values computed by scripts/fixtures/content_key.py, an implementation of
        // docs/DESIGN.md "Mask keys" written from the text alone.
        float[] image = new float[2 * 2 * 3];
        for (int i = 0; i < image.length; i++) image[i] = i / 255f;
        assertEquals(EXPECTED_12, ImageKeys.contentKey(image, 2, 1, 6, 0));
        float[] zeros = new float[784];
        assertEquals(EXPECTED_ZEROS, ImageKeys.contentKey(zeros, 1, 1, 784, 0));
        // [C][B][plane] layout: image 1 of a batch of 2 is read from its own columns
        float[] two = new float[2 * 2 * 6];
        for (int c = 0; c < 2; c++) for (int i = 0; i < 6; i++) two[(c * 2 + 1) * 6 + i] = image[c * 6 + i];
        assertEquals(EXPECTED_12, ImageKeys.contentKey(two, 2, 2, 6, 1));
    }

    @Test
    void contentKeyOfARealImageFollowsTheDocumentedInputs() throws Exception {
        // the values hashed are what the network receives: float32(byte × float32(scale)), here lenet-all's 1/256
        LabeledImages first = PredictedStdTest.bundled(1);
        float[] cnhw = new float[784];
        first.copyCnhw(0, 1, LENET.network().architecture().inputScale(), cnhw, 0);
        assertEquals(EXPECTED_MNIST_0, ImageKeys.contentKey(cnhw, 1, 1, 784, 0));
    }

    static final int EXPECTED_12 = -1376812844, EXPECTED_ZEROS = -251886845, EXPECTED_MNIST_0 = -1738548051; // content_key.py's output
}
