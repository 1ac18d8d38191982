package dev.mcdrop.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The paper's networks (Gal &amp; Ghahramani 2015, Caffe definitions) and the Keras example from
 * the slides.
 *
 * <p>MNIST LeNet: conv 20@5×5 → [drop] → maxpool 2/2 → conv 50@5×5 → [drop] → maxpool 2/2 →
 * dense 500 → ReLU → [drop] → dense 10 → softmax; no ReLU after the convolutions; input × 1/256;
 * p = 0.5. lenet-all has all three drops, lenet-ip the last only, lenet-none none.
 *
 * <p>CIFAR-10 LeNet: conv 192@5×5 → [drop] → pool → conv 192@5×5 pad 2 → [drop] → pool →
 * dense 1000 → ReLU → [drop] → dense 10; the Caffe lenet-all variant has no padding on conv1, and
 * neither do ours (32 → 28 → 14 → 14 → 7).
 *
 * <p>keras-cnn: conv 32@3×3 ReLU → maxpool 2 → conv 64@3×3 ReLU → maxpool 2 → flatten 1600 →
 * dense 64 ReLU → dense 10 (121,930 parameters); keras-cnn-mc adds dropout 0.5 after each conv
 * (after its ReLU) and after dense 64.
 */
public final class Presets {
    private static final float MNIST_SCALE = 1f / 256f;
    private static final Map<String, Supplier<Architecture>> ALL = new TreeMap<>();

    static {
        ALL.put("lenet-all", () -> lenet("lenet-all", 1, 28, 20, 50, 500, 0, true, true));
        ALL.put("lenet-ip", () -> lenet("lenet-ip", 1, 28, 20, 50, 500, 0, false, true));
        ALL.put("lenet-none", () -> lenet("lenet-none", 1, 28, 20, 50, 500, 0, false, false));
        ALL.put("cifar-lenet-all", () -> lenet("cifar-lenet-all", 3, 32, 192, 192, 1000, 2, true, true));
        ALL.put("cifar-lenet-ip", () -> lenet("cifar-lenet-ip", 3, 32, 192, 192, 1000, 2, false, true));
        ALL.put("cifar-lenet-none", () -> lenet("cifar-lenet-none", 3, 32, 192, 192, 1000, 2, false, false));
        ALL.put("keras-cnn", () -> keras("keras-cnn", false));
        ALL.put("keras-cnn-mc", () -> keras("keras-cnn-mc", true));
    }

    private Presets() {}

    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    public static boolean exists(String name) { return ALL.containsKey(name); }

    public static Architecture get(String name) {
        Supplier<Architecture> s = ALL.get(name);
        if (s == null) throw new ArchitectureException("unknown preset '" + name + "'; presets: " + names());
        return s.get();
    }

    private static Architecture lenet(String name, int channels, int size, int conv1, int conv2, int hidden,
                                      int conv2Padding, boolean dropConv, boolean dropIp) {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv2d("conv1", conv1, 5, 1, 0));
        if (dropConv) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Pool(true, 2, 2));
        l.add(new Layer.Conv2d("conv2", conv2, 5, 1, conv2Padding));
        if (dropConv) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Pool(true, 2, 2));
        l.add(new Layer.Flatten());
        l.add(new Layer.Dense("ip1", hidden));
        l.add(new Layer.Relu());
        if (dropIp) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Dense("ip2", 10));
        l.add(new Layer.Softmax());
        return new Architecture(name, new Shape(channels, size, size), MNIST_SCALE, l);
    }

    private static Architecture keras(String name, boolean bayesian) {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv2d("conv1", 32, 3, 1, 0));
        l.add(new Layer.Relu());
        if (bayesian) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Pool(true, 2, 2));
        l.add(new Layer.Conv2d("conv2", 64, 3, 1, 0));
        l.add(new Layer.Relu());
        if (bayesian) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Pool(true, 2, 2));
        l.add(new Layer.Flatten());
        l.add(new Layer.Dense("dense1", 64));
        l.add(new Layer.Relu());
        if (bayesian) l.add(new Layer.Dropout(0.5f, false));
        l.add(new Layer.Dense("dense2", 10));
        l.add(new Layer.Softmax());
        return new Architecture(name, new Shape(1, 28, 28), 1f / 255f, l);
    }
}
