package dev.mcdrop.predict;

import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.rng.DropoutMask;

/**
 * An independent, obvious forward pass for one image in float64, layer after layer in CHW
 * layout, applying dropout masks straight from {@link DropoutMask}. Shares no code with the
 * backends or the predictor, so agreeing with it means the fused, chunked, CNHW path is right.
 */
final class NaiveForward {
    private NaiveForward() {}

    /** Softmax probabilities of sample {@code t} of image {@code image}; {@code stochastic=false} = dropout off. */
    static double[] probabilities(Weights w, double[] chw, long seed, long t, long image, boolean stochastic) {
        Network net = w.network();
        double[] x = chw.clone();
        for (Network.Stage s : net.stages()) {
            Shape in = s.in(), out = s.out();
            switch (s.layer()) {
                case Layer.Conv2d c -> {
                    double[] y = new double[(int) out.elements()];
                    float[] k = w.tensor(c.name() + ".weight"), b = w.tensor(c.name() + ".bias");
                    for (int o = 0; o < out.channels(); o++)
                        for (int oy = 0; oy < out.height(); oy++)
                            for (int ox = 0; ox < out.width(); ox++) {
                                double acc = b[o];
                                for (int ci = 0; ci < in.channels(); ci++)
                                    for (int ky = 0; ky < c.kernel(); ky++)
                                        for (int kx = 0; kx < c.kernel(); kx++) {
                                            int iy = oy * c.stride() - c.padding() + ky, ix = ox * c.stride() - c.padding() + kx;
                                            if (iy < 0 || ix < 0 || iy >= in.height() || ix >= in.width()) continue;
                                            acc += k[((o * in.channels() + ci) * c.kernel() + ky) * c.kernel() + kx]
                                                    * x[(ci * in.height() + iy) * in.width() + ix];
                                        }
                                y[(o * out.height() + oy) * out.width() + ox] = acc;
                            }
                    x = y;
                }
                case Layer.Dense d -> {
                    double[] y = new double[d.units()];
                    float[] k = w.tensor(d.name() + ".weight"), b = w.tensor(d.name() + ".bias");
                    for (int o = 0; o < d.units(); o++) {
                        double acc = b[o];
                        for (int i = 0; i < x.length; i++) acc += k[o * x.length + i] * x[i];
                        y[o] = acc;
                    }
                    x = y;
                }
                case Layer.Pool p -> {
                    double[] y = new double[(int) out.elements()];
                    for (int c = 0; c < in.channels(); c++)
                        for (int oy = 0; oy < out.height(); oy++)
                            for (int ox = 0; ox < out.width(); ox++) {
                                double acc = p.max() ? Double.NEGATIVE_INFINITY : 0;
                                for (int ky = 0; ky < p.kernel(); ky++)
                                    for (int kx = 0; kx < p.kernel(); kx++) {
                                        double v = x[(c * in.height() + oy * p.stride() + ky) * in.width() + ox * p.stride() + kx];
                                        acc = p.max() ? Math.max(acc, v) : acc + v;
                                    }
                                y[(c * out.height() + oy) * out.width() + ox] = p.max() ? acc : acc / (p.kernel() * p.kernel());
                            }
                    x = y;
                }
                case Layer.Relu r -> {
                    for (int i = 0; i < x.length; i++) x[i] = Math.max(0, x[i]);
                }
                case Layer.Dropout d -> {
                    if (stochastic) {
                        int threshold = DropoutMask.dropThreshold(d.p());
                        for (int i = 0; i < x.length; i++) {
                            long element = d.perChannel() ? i / in.plane() : i;
                            x[i] = DropoutMask.keep(seed, t, image, s.index(), element, threshold) ? x[i] / (1.0 - d.p()) : 0;
                        }
                    }
                }
                case Layer.Flatten f -> { }
                case Layer.Softmax sm -> { }
            }
        }
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : x) max = Math.max(max, v);
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) sum += p[i] = Math.exp(x[i] - max);
        for (int i = 0; i < x.length; i++) p[i] /= sum;
        return p;
    }
}
