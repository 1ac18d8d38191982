package dev.mcdrop.train;

import dev.mcdrop.model.ParamSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Caffe's "xavier" filler (variance_norm FAN_IN): weights uniform in [−a, a) with
 * a = sqrt(3 / fan_in) (fan_in = C·kh·kw for conv, in-features for dense), biases 0 (Caffe's
 * "constant" bias filler). Tensor i draws from its own stream derive(seed, i), in PyTorch order.
 */
public final class Xavier {
    private Xavier() {}

    public static float bound(ParamSpec p) {
        return (float) Math.sqrt(3.0 / p.fanIn());
    }

    public static Map<String, float[]> init(List<ParamSpec> specs, long seed) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int t = 0; t < specs.size(); t++) {
            ParamSpec p = specs.get(t);
            float[] w = new float[p.elements()];
            if (!p.bias()) {
                float a = bound(p);
                SplitMix64 r = new SplitMix64(SplitMix64.derive(seed, 0x7A5E0000L + t));
                for (int i = 0; i < w.length; i++) w[i] = a * (2f * r.nextFloat() - 1f);
            }
            out.put(p.tensorName(), w);
        }
        return out;
    }
}
