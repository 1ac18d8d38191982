package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The paper's CIFAR-10 networks that the chain cannot express, as graphs (issue 14, item 5). No
 * CIFAR-10 training happens here: {@link #random} gives seeded random weights (He-normal
 * convolutions and dense layers, small random biases, batch norms with random positive running
 * variances and small running means, so that folding has work to do), for benchmarks and tests;
 * trained weights come in through a graph file ({@link GraphModels}).
 *
 * <p><b>cifar-nin</b>: Network in Network for CIFAR-10 (Lin, Chen &amp; Yan 2014, their Caffe
 * model, as in Gal &amp; Ghahramani's Table 1), input 3×32×32 × 1/255 (no mean or std: Caffe's
 * model was trained on whitened data, which is not reproduced here). Three mlpconv blocks, every
 * convolution followed by a ReLU:
 * <ol>
 * <li>conv1 5×5 192 pad 2, cccp1 1×1 160, cccp2 1×1 96, Dropout 0.5, pool1 MaxPool 3×3 stride 2
 *     ceil_mode (32 → 16);</li>
 * <li>conv2 5×5 192 pad 2, cccp3 1×1 192, cccp4 1×1 192, Dropout 0.5, pool2 AveragePool 3×3
 *     stride 2 ceil_mode (16 → 8);</li>
 * <li>conv3 3×3 192 pad 1, cccp5 1×1 192, cccp6 1×1 10 (ReLU too, as in Caffe), pool3
 *     GlobalAveragePool, Flatten, Softmax.</li>
 * </ol>
 * The dropouts sit where the Bayesian version puts them, after each of the first two blocks and
 * before its pooling (the original NIN drops after the pooling); block 3 has none, as the
 * original has none after its last block. So block 1 runs once per image and the rest on every
 * sample. 966,986 parameters.
 *
 * <p><b>cifar-resnet20-mc</b>: ResNet-20 for CIFAR (He et al. 2016, section 4.2) with MC dropout:
 * conv1 3×3 16 (no bias) + bn1 + ReLU; three stages of three basic blocks with 16, 32, 64
 * channels; a basic block is conv 3×3 + BN + ReLU → Dropout 0.2 → conv 3×3 + BN, plus the
 * shortcut, then ReLU; the first block of stages 2 and 3 has stride 2 and a projection shortcut
 * (conv 1×1 stride 2 + BN, the paper's option B); GlobalAveragePool → Flatten → fc Gemm 64 → 10
 * (logits). Input 3×32×32 × 1/255, then CIFAR-10's mean (0.4914, 0.4822, 0.4465) and std
 * (0.2470, 0.2435, 0.2616). Names follow torchvision-style PyTorch modules (layer1.0.conv1,
 * layer2.0.shortcut.0, …; tensors conv1.weight, bn1.running_var, …). 272,474 learnable parameters
 * (convolutions 270,256, batch norm scales and biases 1,568, fc 650) plus 1,568 running statistics.
 */
public final class GraphPresets {
    private static final float PIXEL_SCALE = 1f / 255f;
    private static final Map<String, Supplier<GraphJson.Structure>> ALL = new TreeMap<>();

    static {
        ALL.put("cifar-nin", GraphPresets::nin);
        ALL.put("cifar-resnet20-mc", GraphPresets::resnet20);
    }

    private GraphPresets() {}

    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    public static boolean exists(String name) { return ALL.containsKey(name); }

    /**
     * The preset's structure, as a graph file would give it: nodes, outputs, transform, and the
     * initializers' names and shapes (values from {@link #random}, or trained ones through
     * {@link GraphJson.Structure#build}); an unknown name is refused, naming the presets.
     */
    public static GraphJson.Structure build(String name) {
        Supplier<GraphJson.Structure> s = ALL.get(name);
        if (s == null) throw new GraphException("unknown graph preset " + Names.quote(name) + "; graph presets: " + names());
        return s.get();
    }

    /**
     * The preset with seeded random weights: conv and Gemm weights He-normal (std √(2 / fan_in)),
     * their biases N(0, 0.01²); batch norm scale U(0.5, 1.5), bias N(0, 0.1²), running mean
     * N(0, 0.1²), running variance U(0.5, 2). Same seed, same weights on every JVM
     * (java.util.Random's generator is specified).
     */
    public static GraphModel random(String name, long seed) {
        GraphJson.Structure s = build(name);
        Random r = new Random(seed);
        List<Initializer.Values> values = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (GraphJson.TensorSpec t : s.initializers()) names.add(t.name());
        for (GraphJson.TensorSpec t : s.initializers()) {
            int[] d = t.shape();
            float[] v = new float[(int) t.elements()];
            String n = t.name();
            if (d.length > 1) { // weights: [M, C/g, kH, kW] or Gemm's [M, K]; fan_in is everything but M
                double std = Math.sqrt(2.0 * d[0] / v.length);
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
            } else if (n.endsWith(".running_var")) {
                for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 + 1.5 * r.nextDouble());
            } else if (n.endsWith(".weight")) { // a batch norm's scale
                for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 + r.nextDouble());
            } else {
                boolean batchNorm = names.contains(n.substring(0, n.lastIndexOf('.') + 1) + "running_var");
                double std = batchNorm ? 0.1 : 0.01; // a batch norm's bias or running mean; a conv or Gemm bias
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
            }
            values.add(new Initializer.Floats(v));
        }
        return s.build(values, Map.of());
    }

    // ---------------------------------------------------------------- the networks

    private static GraphJson.Structure nin() {
        Builder b = new Builder("cifar-nin", new Shape(3, 32, 32));
        String x = b.input;
        x = b.convRelu(x, "conv1", 3, 192, 5, 1, 2);
        x = b.convRelu(x, "cccp1", 192, 160, 1, 1, 0);
        x = b.convRelu(x, "cccp2", 160, 96, 1, 1, 0);
        x = b.node("drop1", new Op.Dropout(0.5f, false), x);
        x = b.node("pool1", new Op.MaxPool(Op.Size2.square(3), Op.Size2.square(2), Op.Pads.NONE, Op.AutoPad.NOTSET, true, Op.Size2.ONE), x);
        x = b.convRelu(x, "conv2", 96, 192, 5, 1, 2);
        x = b.convRelu(x, "cccp3", 192, 192, 1, 1, 0);
        x = b.convRelu(x, "cccp4", 192, 192, 1, 1, 0);
        x = b.node("drop2", new Op.Dropout(0.5f, false), x);
        x = b.node("pool2", new Op.AveragePool(Op.Size2.square(3), Op.Size2.square(2), Op.Pads.NONE, Op.AutoPad.NOTSET, true, false), x);
        x = b.convRelu(x, "conv3", 192, 192, 3, 1, 1);
        x = b.convRelu(x, "cccp5", 192, 192, 1, 1, 0);
        x = b.convRelu(x, "cccp6", 192, 10, 1, 1, 0);
        x = b.node("pool3", new Op.GlobalAveragePool(), x);
        x = b.node("flatten", new Op.Flatten(), x);
        x = b.node("softmax", new Op.Softmax(1), x);
        return b.done(x, InputTransform.scale(PIXEL_SCALE));
    }

    private static GraphJson.Structure resnet20() {
        Builder b = new Builder("cifar-resnet20-mc", new Shape(3, 32, 32));
        String x = b.conv(b.input, "conv1", 3, 16, 3, 1, 1, false);
        x = b.node("relu", new Op.Relu(), b.batchNorm(x, "bn1", 16));
        int in = 16;
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < 3; stage++) {
            for (int block = 0; block < 3; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = basicBlock(b, x, "layer" + (stage + 1) + "." + block, in, widths[stage], stride);
                in = widths[stage];
            }
        }
        x = b.node("avgpool", new Op.GlobalAveragePool(), x);
        x = b.node("flatten", new Op.Flatten(), x);
        b.param("fc.weight", 10, 64);
        b.param("fc.bias", 10);
        b.nodes.add(new Node("fc", new Op.Gemm(true, 1.0, 1.0), List.of(x, "fc.weight", "fc.bias"), List.of("fc")));
        return b.done("fc", new InputTransform(PIXEL_SCALE, new float[]{0.4914f, 0.4822f, 0.4465f}, new float[]{0.2470f, 0.2435f, 0.2616f}));
    }

    /** conv+BN+ReLU → Dropout 0.2 → conv+BN, + shortcut (identity, or conv 1×1 + BN where the shape changes), ReLU. */
    private static String basicBlock(Builder b, String x, String p, int in, int out, int stride) {
        String y = b.conv(x, p + ".conv1", in, out, 3, stride, 1, false);
        y = b.node(p + ".relu1", new Op.Relu(), b.batchNorm(y, p + ".bn1", out));
        y = b.node(p + ".dropout", new Op.Dropout(0.2f, false), y);
        y = b.batchNorm(b.conv(y, p + ".conv2", out, out, 3, 1, 1, false), p + ".bn2", out);
        String shortcut = x;
        if (stride != 1 || in != out) {
            shortcut = b.batchNorm(b.conv(x, p + ".shortcut.0", in, out, 1, stride, 0, false), p + ".shortcut.1", out);
        }
        b.nodes.add(new Node(p + ".add", new Op.Add(), List.of(y, shortcut), List.of(p + ".add")));
        return b.node(p + ".relu2", new Op.Relu(), p + ".add");
    }

    /** Collects nodes and initializer shapes; every node writes a tensor of its own name. */
    private static final class Builder {
        final String name, input = "input";
        final Shape shape;
        final List<Node> nodes = new ArrayList<>();
        final List<GraphJson.TensorSpec> params = new ArrayList<>();

        Builder(String name, Shape shape) {
            this.name = name;
            this.shape = shape;
        }

        void param(String tensor, int... dims) { params.add(new GraphJson.TensorSpec(tensor, dims)); }

        String node(String n, Op op, String x) {
            nodes.add(Node.of(n, op, x, n));
            return n;
        }

        String conv(String x, String n, int in, int out, int kernel, int stride, int pad, boolean bias) {
            param(n + ".weight", out, in, kernel, kernel);
            if (bias) param(n + ".bias", out);
            nodes.add(new Node(n, Op.Conv.simple(stride, pad), bias ? List.of(x, n + ".weight", n + ".bias") : List.of(x, n + ".weight"), List.of(n)));
            return n;
        }

        /** A Caffe-style conv with bias and its ReLU ("relu_" + name). */
        String convRelu(String x, String n, int in, int out, int kernel, int stride, int pad) {
            return node("relu_" + n, new Op.Relu(), conv(x, n, in, out, kernel, stride, pad, true));
        }

        String batchNorm(String x, String n, int channels) {
            for (String t : List.of(".weight", ".bias", ".running_mean", ".running_var")) param(n + t, channels);
            nodes.add(new Node(n, new Op.BatchNormalization(1e-5), List.of(x, n + ".weight", n + ".bias", n + ".running_mean", n + ".running_var"),
                    List.of(n)));
            return n;
        }

        GraphJson.Structure done(String output, InputTransform transform) {
            return new GraphJson.Structure(name, new GraphInput(input, shape), transform, List.copyOf(params), List.copyOf(nodes), List.of(output),
                    "graph preset " + Names.quote(name));
        }
    }
}
