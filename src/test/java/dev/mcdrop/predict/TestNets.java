package dev.mcdrop.predict;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small networks with random weights and random images for predictor tests. */
final class TestNets {
    private TestNets() {}

    /** Every layer kind, stride 2, padding, odd sizes, per-channel dropout, a standalone dropout after a pool. */
    static Architecture mixed() {
        return ArchitectureJson.parse("""
                {"name": "mixed", "input": {"channels": 2, "height": 11, "width": 9, "scale": 0.0078125},
                 "layers": [
                   {"type": "conv2d", "name": "c1", "filters": 3, "kernel": 3, "stride": 2, "padding": 1},
                   {"type": "relu"}, {"type": "dropout", "p": 0.3},
                   {"type": "maxpool", "kernel": 2, "stride": 1},
                   {"type": "conv2d", "name": "c2", "filters": 4, "kernel": 3, "padding": 1},
                   {"type": "dropout", "p": 0.5, "per": "channel"},
                   {"type": "avgpool", "kernel": 2, "stride": 2},
                   {"type": "dropout", "p": 0.2},
                   {"type": "flatten"},
                   {"type": "dense", "name": "d1", "units": 7}, {"type": "dropout", "p": 0.5}, {"type": "relu"},
                   {"type": "dense", "name": "d2", "units": 5}, {"type": "softmax"}]}""", "mixed");
    }

    static Weights randomWeights(Architecture a, long seed) {
        Network n = a.compile();
        Random r = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (ParamSpec p : n.params()) {
            float[] v = new float[p.elements()];
            double scale = Math.sqrt(3.0 / p.fanIn()) * 1.5;
            for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
            t.put(p.tensorName(), v);
        }
        return new Weights(n, t, Map.of());
    }

    /** Random raw pixels 0..255, [N][C][H][W]. */
    record Images(Shape shape, int count, float[] pixels) implements ImageSource {
        static Images random(Shape shape, int count, long seed) {
            Random r = new Random(seed);
            float[] px = new float[(int) (shape.elements() * count)];
            for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256);
            return new Images(shape, count, px);
        }

        @Override public Shape imageShape() { return shape; }

        @Override
        public void copyCnhw(int from, int n, float scale, float[] dst, int dstOffset) {
            int plane = shape.plane();
            for (int c = 0; c < shape.channels(); c++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < plane; j++)
                        dst[dstOffset + (c * n + i) * plane + j] = pixels[(int) (((from + i) * shape.elements()) + c * plane + j)] * scale;
        }

        double[] chw(int index, float scale) {
            int e = (int) shape.elements();
            double[] x = new double[e];
            for (int j = 0; j < e; j++) x[j] = pixels[index * e + j] * scale;
            return x;
        }
    }
}
