package dev.mcdrop.predict;

import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.GraphInput;
import dev.mcdrop.graph.Initializer;
import dev.mcdrop.graph.Node;
import dev.mcdrop.graph.Op;
import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Small random graphs that exercise every fusion pattern and operator of the graph engine: residual
 * blocks with the skip before and after the dropout, unfoldable batch norms, concatenation,
 * squeeze-excitation gates, per-channel constants, every activation, grouped / depthwise / dilated /
 * asymmetric convolutions, padded and ceil-mode pools, spatial flatten, a once tensor read by two
 * sampled nodes, per-channel dropout, and a graph without dropout.
 */
final class GraphNets {
    private GraphNets() {}

    /** A graph under construction: nodes in order, random weights. */
    static final class Builder {
        final Random r;
        final Shape input;
        final List<Initializer> inits = new ArrayList<>();
        final List<Node> nodes = new ArrayList<>();
        int counter;

        Builder(long seed, Shape input) {
            this.r = new Random(seed);
            this.input = input;
        }

        String fresh(String base) { return base + (counter++); }

        String init(int... dims) {
            int n = 1;
            for (int d : dims) n *= d;
            float[] v = new float[n];
            double scale = dims.length > 1 ? Math.sqrt(2.0 / (n / dims[0])) : 0.5;
            for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
            String name = fresh("w");
            inits.add(Initializer.of(name, dims, v));
            return name;
        }

        String positive(int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (0.5 + r.nextDouble());
            String name = fresh("v");
            inits.add(Initializer.of(name, new int[]{n}, v));
            return name;
        }

        String node(Op op, String... inputs) {
            String out = fresh(op.type().toLowerCase());
            nodes.add(new Node(out, op, List.of(inputs), List.of(out)));
            return out;
        }

        String conv(String x, int in, int out, int k, int stride, int pad, int group, int dilation, boolean bias) {
            String w = init(out, in / group, k, k);
            Op.Conv c = new Op.Conv(Op.Size2.square(stride), Op.Pads.all(pad), Op.AutoPad.NOTSET, Op.Size2.square(dilation), group);
            return bias ? node(c, x, w, init(out)) : node(c, x, w);
        }

        String conv(String x, int in, int out, int k, int pad) { return conv(x, in, out, k, 1, pad, 1, 1, true); }

        String bn(String x, int c) { return node(new Op.BatchNormalization(1e-5), x, positive(c), init(c), init(c), positive(c)); }

        String relu(String x) { return node(new Op.Relu(), x); }

        String dropout(String x, float p) { return node(new Op.Dropout(p, false), x); }

        String gemm(String x, int in, int out) { return node(new Op.Gemm(true, 1.0, 1.0), x, init(out, in), init(out)); }

        Graph build(String name, String output) {
            return new Graph(name, new GraphInput("x", input), inits, nodes, List.of(output));
        }
    }

    static final Map<String, Supplier<Graph>> ALL = new TreeMap<>();

    static {
        ALL.put("residual", () -> { // skip before the dropout: once; main path sampled; Add fused into conv's epilogue
            Builder b = new Builder(1, new Shape(3, 8, 8));
            String x = b.relu(b.conv("x", 3, 6, 3, 1));
            String y = b.relu(b.bn(b.conv(x, 6, 6, 3, 1, 1, 1, 1, false), 6));
            y = b.dropout(y, 0.3f);
            y = b.bn(b.conv(y, 6, 6, 3, 1, 1, 1, 1, false), 6);
            y = b.relu(b.node(new Op.Add(), y, x));
            y = b.node(new Op.GlobalAveragePool(), y);
            return b.build("residual", b.gemm(b.node(new Op.Flatten(), y), 6, 5));
        });
        ALL.put("residual-sampled-skip", () -> { // dropout first; the skip is sampled too; unfoldable BN after an Add
            Builder b = new Builder(2, new Shape(2, 7, 7));
            String x = b.dropout(b.conv("x", 2, 4, 3, 1), 0.2f);
            String y = b.conv(b.relu(b.conv(x, 4, 4, 1, 0)), 4, 4, 3, 1);
            y = b.bn(b.node(new Op.Add(), x, y), 4);
            y = b.node(new Op.LeakyRelu(0.1), y);
            y = b.node(new Op.Flatten(), y);
            return b.build("residual-sampled-skip", b.gemm(y, 4 * 49, 3));
        });
        ALL.put("concat-se", () -> { // two branches concatenated; a squeeze-excitation gate; constants; every activation
            Builder b = new Builder(3, new Shape(3, 9, 9));
            String x = b.conv("x", 3, 4, 3, 1);
            String a = b.node(new Op.Sigmoid(), b.conv(x, 4, 3, 1, 0));
            String c = b.node(new Op.Tanh(), b.conv(x, 4, 5, 3, 1, 2, 1, 2, true)); // dilated 2, pad 2: 9x9 again
            return finishConcat(b, a, c);
        });
        ALL.put("grouped-pools", () -> { // grouped, depthwise, strided, asymmetric; padded ceil-mode pools; per-channel dropout
            Builder b = new Builder(4, new Shape(4, 11, 10));
            String x = b.conv("x", 4, 8, 3, 1, 1, 2, 1, true);
            x = b.node(new Op.Dropout(0.25f, true), x);
            x = b.conv(x, 8, 8, 3, 2, 1, 8, 1, true); // depthwise, stride 2
            x = b.node(new Op.Clip(0, 6), x);
            String w = b.init(6, 8, 2, 3);
            x = b.node(new Op.Conv(new Op.Size2(1, 2), new Op.Pads(0, 1, 1, 0), Op.AutoPad.NOTSET, Op.Size2.ONE, 1), x, w);
            x = b.node(new Op.MaxPool(Op.Size2.square(3), Op.Size2.square(2), Op.Pads.all(1), Op.AutoPad.NOTSET, true, Op.Size2.ONE), x);
            x = b.node(new Op.AveragePool(Op.Size2.square(2), Op.Size2.ONE, new Op.Pads(1, 0, 0, 1), Op.AutoPad.NOTSET, true, true), x);
            x = b.node(new Op.Gelu(), x);
            x = b.node(new Op.GlobalMaxPool(), x);
            return b.build("grouped-pools", b.gemm(b.node(new Op.Flatten(), x), 6, 4));
        });
        ALL.put("shared-once", () -> { // one once tensor read by two sampled nodes (a dropout and an Add); a dense dropout chain
            Builder b = new Builder(5, new Shape(1, 6, 6));
            String x = b.relu(b.conv("x", 1, 3, 3, 1));
            String d = b.dropout(x, 0.5f);
            String y = b.node(new Op.Sub(), b.conv(d, 3, 3, 3, 1), x);
            y = b.node(new Op.MaxPool(Op.Size2.square(2), Op.Size2.square(2), Op.Pads.NONE, Op.AutoPad.NOTSET, false, Op.Size2.ONE), y);
            y = b.node(new Op.Flatten(), y);
            y = b.dropout(b.relu(b.gemm(y, 27, 8)), 0.4f);
            return b.build("shared-once", b.node(new Op.Softmax(1), b.gemm(y, 8, 3)));
        });
        ALL.put("deterministic", () -> {
            Builder b = new Builder(6, new Shape(2, 5, 5));
            String x = b.relu(b.bn(b.conv("x", 2, 3, 3, 1), 3));
            x = b.node(new Op.AveragePool(Op.Size2.square(2), Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, false, false), x);
            return b.build("deterministic", b.gemm(b.node(new Op.Flatten(), x), 3 * 16, 4));
        });
    }

    private static Graph finishConcat(Builder b, String a, String c) {
        String cat = b.node(new Op.Concat(), a, c);                             // 8 channels
        cat = b.dropout(cat, 0.3f);
        String gate = b.node(new Op.Sigmoid(), b.node(new Op.GlobalAveragePool(), cat)); // [8,1,1], computed
        String y = b.node(new Op.Mul(), cat, gate);                              // SE: per channel, per column
        String scale = b.fresh("s");
        b.inits.add(Initializer.of(scale, new int[]{8, 1, 1}, new float[]{0.5f, 1, 1.5f, 2, -1, 0.25f, 3, 1}));
        y = b.node(new Op.Mul(), y, scale);                                      // constant per channel
        String shift = b.fresh("c");
        b.inits.add(Initializer.of(shift, new int[]{1}, new float[]{0.125f}));
        y = b.node(new Op.Add(), shift, y);                                      // scalar on the left
        y = b.node(new Op.Relu(), y);
        y = b.node(new Op.Flatten(), y);                                         // spatial flatten: 8·81
        return b.build("concat-se", b.gemm(y, 8 * 81, 4));
    }
}
