package dev.mcdrop.train;

import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Shape;
import dev.mcdrop.rng.DropoutMask;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's analytic gradients (float, im2col/GEMM, CNHW) against central finite differences
 * of an independent float64 forward written straight from the layer definitions (per image,
 * CHW, direct convolution loops, the dropout mask from {@link DropoutMask#keep} itself). Checks
 * every element of every parameter tensor, and that the two forwards agree on the loss.
 */
class GradientCheckTest {
    private static final double EPS = 1e-5;

    @Test
    void tinyConvReluMaxAvgDense() {
        check(TestNets.tiny(), 5, 11, false);
    }

    @Test
    void tinyWithDropoutMasksFixed() {
        check(TestNets.tinyDropout(), 6, 12, true);
    }

    /** The real lenet-all (all three dropouts on) at batch 2: 12 random elements of every tensor. */
    @Test
    void lenetAllSpotCheck() {
        check(dev.mcdrop.model.Presets.get("lenet-all").compile(), 2, 13, true, 12);
    }

    private static void check(Network net, int batch, long seed, boolean dropout) {
        check(net, batch, seed, dropout, Integer.MAX_VALUE);
    }

    /** Checks min(perTensor, size) elements of each tensor (all of them, or random distinct ones). */
    private static void check(Network net, int batch, long seed, boolean dropout, int perTensor) {
        TrainConfig cfg = TrainConfig.paper(1, seed).withBatchSize(batch);
        Trainer trainer = new Trainer(net, cfg, NaiveGemm.INSTANCE);
        ArrayTrainingSet data = TestNets.randomSet(net.input(), batch, net.classes(), seed);
        Map<String, float[]> params = trainer.initialParams();
        Random r = new Random(seed);
        for (ParamSpec p : net.params()) {
            if (p.bias()) { // non-zero biases so that every term of the backward matters
                float[] b = params.get(p.tensorName());
                for (int i = 0; i < b.length; i++) b[i] = (r.nextFloat() - 0.5f) * 0.2f;
            }
        }
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) idx[i] = i;
        long sample = 7;
        Trainer.Gradients g = trainer.gradients(params, data, idx, batch, sample, dropout);

        Map<String, double[]> dp = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) d[i] = v[i];
            dp.put(k, d);
        });
        Reference ref = new Reference(net, data, batch, trainer.maskSeed(), sample, dropout);
        double loss = ref.loss(dp);
        assertEquals(loss, g.loss(), 1e-5 * Math.max(1, loss), "forward loss");

        int checked = 0, nonZero = 0;
        double worst = 0;
        for (ParamSpec p : net.params()) {
            double[] w = dp.get(p.tensorName());
            float[] analytic = g.grads().get(p.tensorName());
            assertEquals(w.length, analytic.length, p.tensorName());
            int[] which = java.util.stream.IntStream.range(0, w.length).toArray();
            if (perTensor < w.length) {
                for (int j = 0; j < perTensor; j++) { // partial Fisher–Yates: perTensor distinct indices
                    int k = j + r.nextInt(w.length - j), t = which[j];
                    which[j] = which[k];
                    which[k] = t;
                }
                which = java.util.Arrays.copyOf(which, perTensor);
            }
            for (int i : which) {
                double keep = w[i];
                w[i] = keep + EPS;
                double plus = ref.loss(dp);
                w[i] = keep - EPS;
                double minus = ref.loss(dp);
                w[i] = keep;
                double numeric = (plus - minus) / (2 * EPS);
                double err = Math.abs(numeric - analytic[i]);
                double tol = 2e-5 + 2e-3 * Math.abs(numeric);
                worst = Math.max(worst, err / tol);
                int at = i;
                assertTrue(err <= tol, () -> p.tensorName() + "[" + at + "] numeric " + numeric + " analytic " + analytic[at]);
                checked++;
                if (Math.abs(numeric) > 1e-4) nonZero++;
            }
        }
        long expected = 0;
        for (ParamSpec p : net.params()) expected += Math.min(perTensor, p.elements());
        assertEquals(expected, checked);
        assertTrue(nonZero > checked / 3, "too few non-zero gradients to be meaningful: " + nonZero + "/" + checked);
        assertTrue(worst <= 1, "worst error/tolerance " + worst);
    }

    /** Float64 forward, one image at a time in CHW, straight from the definitions. */
    static final class Reference {
        final Network net;
        final double[][] images; // [n][C·H·W]
        final int[] labels;
        final long maskSeed, sample;
        final boolean dropout;

        Reference(Network net, ArrayTrainingSet data, int n, long maskSeed, long sample, boolean dropout) {
            this.net = net;
            this.maskSeed = maskSeed;
            this.sample = sample;
            this.dropout = dropout;
            Shape s = net.input();
            int e = (int) s.elements();
            images = new double[n][e];
            labels = new int[n];
            float[] cnhw = new float[e * n];
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            data.gather(idx, n, net.architecture().inputScale(), cnhw);
            for (int i = 0; i < n; i++) {
                labels[i] = data.label(i);
                for (int c = 0; c < s.channels(); c++)
                    for (int q = 0; q < s.plane(); q++) images[i][c * s.plane() + q] = cnhw[(c * n + i) * s.plane() + q];
            }
        }

        double loss(Map<String, double[]> p) {
            double total = 0;
            for (int img = 0; img < images.length; img++) {
                double[] x = images[img];
                for (Network.Stage st : net.stages()) x = layer(st, x, p, img);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : x) max = Math.max(max, v);
                double sum = 0;
                for (double v : x) sum += Math.exp(v - max);
                total += Math.log(sum) + max - x[labels[img]];
            }
            return total / images.length;
        }

        private double[] layer(Network.Stage st, double[] x, Map<String, double[]> p, int img) {
            Shape in = st.in(), out = st.out();
            double[] y = new double[(int) out.elements()];
            switch (st.layer()) {
                case Layer.Conv2d c -> {
                    double[] w = p.get(c.name() + ".weight"), b = p.get(c.name() + ".bias");
                    int k = c.kernel();
                    for (int co = 0; co < out.channels(); co++)
                        for (int oy = 0; oy < out.height(); oy++)
                            for (int ox = 0; ox < out.width(); ox++) {
                                double s = b[co];
                                for (int ci = 0; ci < in.channels(); ci++)
                                    for (int ky = 0; ky < k; ky++)
                                        for (int kx = 0; kx < k; kx++) {
                                            int iy = oy * c.stride() - c.padding() + ky, ix = ox * c.stride() - c.padding() + kx;
                                            if (iy < 0 || ix < 0 || iy >= in.height() || ix >= in.width()) continue;
                                            s += w[((co * in.channels() + ci) * k + ky) * k + kx] * x[(ci * in.height() + iy) * in.width() + ix];
                                        }
                                y[(co * out.height() + oy) * out.width() + ox] = s;
                            }
                }
                case Layer.Dense d -> {
                    double[] w = p.get(d.name() + ".weight"), b = p.get(d.name() + ".bias");
                    for (int o = 0; o < y.length; o++) {
                        double s = b[o];
                        for (int i = 0; i < x.length; i++) s += w[o * x.length + i] * x[i];
                        y[o] = s;
                    }
                }
                case Layer.Pool pool -> {
                    for (int c = 0; c < out.channels(); c++)
                        for (int oy = 0; oy < out.height(); oy++)
                            for (int ox = 0; ox < out.width(); ox++) {
                                double m = Double.NEGATIVE_INFINITY, s = 0;
                                for (int ky = 0; ky < pool.kernel(); ky++)
                                    for (int kx = 0; kx < pool.kernel(); kx++) {
                                        double v = x[(c * in.height() + oy * pool.stride() + ky) * in.width() + ox * pool.stride() + kx];
                                        m = Math.max(m, v);
                                        s += v;
                                    }
                                y[(c * out.height() + oy) * out.width() + ox] = pool.max() ? m : s / (pool.kernel() * pool.kernel());
                            }
                }
                case Layer.Relu r -> { for (int i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]); }
                case Layer.Dropout d -> {
                    int thr = DropoutMask.dropThreshold(d.p());
                    double scale = DropoutMask.keepScale(d.p());
                    for (int i = 0; i < x.length; i++) {
                        long element = d.perChannel() ? i / in.plane() : i;
                        boolean keep = !dropout || DropoutMask.keep(maskSeed, sample, img, st.index(), element, thr);
                        y[i] = keep ? x[i] * (dropout ? scale : 1) : 0;
                    }
                }
                case Layer.Flatten f -> System.arraycopy(x, 0, y, 0, x.length); // CHW order = PyTorch's
                case Layer.Softmax s -> System.arraycopy(x, 0, y, 0, x.length); // the loss applies it
            }
            return y;
        }
    }
}
