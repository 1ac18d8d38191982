package dev.mcdrop.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The float64 control for graphs: runs a {@link Graph} on images one node at a time with
 * {@link ReferenceOps}, either as the standard pass (every Dropout the identity) or as MC sample s,
 * each Dropout masking with the project's one mask function (dev.mcdrop.rng.DropoutMask) of
 * (seed, image key, sample s, the node's {@link Graph#maskIndex mask index}, element). A chain
 * network turned into a graph ({@link Graph#fromChain}) gives the chain engine's float64
 * reference values, masks included. Slow on purpose; not thread-safe (it caches the initializers
 * in float64 as it first needs them).
 */
public final class ReferenceGraphExecutor {
    /** Which pass: the standard one (dropout off), or MC sample {@code sample} of a run with Philox key {@code seed}. */
    public record Pass(boolean stochastic, long seed, long sample) {
        public static Pass standard() { return new Pass(false, 0, 0); }

        public static Pass mc(long seed, long sample) { return new Pass(true, seed, sample); }
    }

    private final Graph graph;
    private final Map<String, double[]> constants = new HashMap<>();

    public ReferenceGraphExecutor(Graph graph) { this.graph = graph; }

    public Graph graph() { return graph; }

    /**
     * The graph's outputs for each image: {@code [output][image][values]}, values row-major per
     * image. {@code images[i]} is image i's input [C][H][W]; {@code imageKeys[i]} its mask key (the
     * Philox counter word c1, docs/DESIGN.md "Mask keys"; only its low 32 bits count).
     */
    public double[][][] run(double[][] images, long[] imageKeys, Pass pass) {
        checkBatch(images, imageKeys);
        double[][][] out = new double[graph.outputs().size()][images.length][];
        for (int i = 0; i < images.length; i++) {
            Map<String, double[]> values = evaluate(images[i], imageKeys[i], pass);
            for (int o = 0; o < out.length; o++) out[o][i] = values.get(graph.outputs().get(o));
        }
        return out;
    }

    /**
     * MC samples 0 … samples−1 the way the engine runs them: the nodes no dropout reaches
     * ({@link McPartition#once()}) once per image, the others once per (sample, image). Returns
     * {@code [sample][output][image][values]}, equal value for value to {@link #run} of each sample.
     */
    public double[][][][] runSamples(double[][] images, long[] imageKeys, long seed, int samples) {
        checkBatch(images, imageKeys);
        McPartition partition = McPartition.of(graph);
        double[][][][] out = new double[samples][graph.outputs().size()][images.length][];
        for (int i = 0; i < images.length; i++) {
            Map<String, double[]> once = new HashMap<>();
            once.put(graph.input().name(), check(images[i], i));
            execute(partition.once(), once, imageKeys[i], Pass.standard());
            for (int s = 0; s < samples; s++) {
                Map<String, double[]> values = new HashMap<>(once);
                execute(partition.sampled(), values, imageKeys[i], Pass.mc(seed, s));
                for (int o = 0; o < graph.outputs().size(); o++) out[s][o][i] = values.get(graph.outputs().get(o));
            }
        }
        return out;
    }

    /** Every computed tensor of one image (the input included), by name. */
    public Map<String, double[]> evaluate(double[] image, long imageKey, Pass pass) {
        Map<String, double[]> values = new HashMap<>();
        values.put(graph.input().name(), check(image, 0));
        execute(graph.nodes(), values, imageKey, pass);
        return values;
    }

    private void checkBatch(double[][] images, long[] imageKeys) {
        if (images.length != imageKeys.length) {
            throw new IllegalArgumentException(images.length + " images but " + imageKeys.length + " image keys");
        }
    }

    private double[] check(double[] image, int index) {
        if (image.length != graph.input().tensorShape().elements()) {
            throw new IllegalArgumentException("image " + index + " has " + image.length + " values; the graph's input "
                    + graph.input().tensorShape() + " takes " + graph.input().tensorShape().elements());
        }
        return image;
    }

    private void execute(List<Node> nodes, Map<String, double[]> values, long imageKey, Pass pass) {
        for (Node n : nodes) values.put(n.output(), apply(n, values, imageKey, pass));
    }

    private double[] apply(Node n, Map<String, double[]> values, long imageKey, Pass pass) {
        TensorShape out = graph.shape(n.output());
        return switch (n.op()) {
            case Op.Conv c -> {
                Initializer w = graph.initializer(n.input(1));
                yield ReferenceOps.conv(values.get(n.input(0)), shapeOf(n, 0), constant(n.input(1)), w.dim(2), w.dim(3),
                        n.inputs().size() > 2 ? constant(n.input(2)) : null, c, out);
            }
            case Op.Gemm g -> ReferenceOps.gemm(values.get(n.input(0)), constant(n.input(1)), g.transB(), g.alpha(), g.beta(),
                    n.inputs().size() > 2 ? constant(n.input(2)) : null, out.channels());
            case Op.MatMul m -> ReferenceOps.gemm(values.get(n.input(0)), constant(n.input(1)), false, 1.0, 0.0, null, out.channels());
            case Op.BatchNormalization b -> ReferenceOps.batchNorm(values.get(n.input(0)), shapeOf(n, 0), constant(n.input(1)),
                    constant(n.input(2)), constant(n.input(3)), constant(n.input(4)), b.epsilon());
            case Op.MaxPool p -> ReferenceOps.pool(values.get(n.input(0)), shapeOf(n, 0), true, p.kernel(), p.strides(), p.pads(),
                    p.dilations(), false, out);
            case Op.AveragePool p -> ReferenceOps.pool(values.get(n.input(0)), shapeOf(n, 0), false, p.kernel(), p.strides(), p.pads(),
                    Op.Size2.ONE, p.countIncludePad(), out);
            case Op.GlobalAveragePool g -> ReferenceOps.global(values.get(n.input(0)), shapeOf(n, 0), false);
            case Op.GlobalMaxPool g -> ReferenceOps.global(values.get(n.input(0)), shapeOf(n, 0), true);
            case Op.Relu r -> ReferenceOps.unary(values.get(n.input(0)), x -> Math.max(x, 0.0));
            case Op.LeakyRelu l -> ReferenceOps.unary(values.get(n.input(0)), x -> x >= 0 ? x : l.alpha() * x);
            case Op.Sigmoid s -> ReferenceOps.unary(values.get(n.input(0)), ReferenceOps::sigmoid);
            case Op.Tanh t -> ReferenceOps.unary(values.get(n.input(0)), Math::tanh);
            case Op.Clip c -> ReferenceOps.unary(values.get(n.input(0)), x -> Math.min(Math.max(x, c.min()), c.max()));
            case Op.Gelu g -> ReferenceOps.unary(values.get(n.input(0)), ReferenceOps::gelu);
            case Op.Identity i -> values.get(n.input(0)).clone();
            case Op.Flatten f -> values.get(n.input(0)).clone();
            case Op.Reshape r -> values.get(n.input(0)).clone();
            case Op.Add a -> binary(n, values, out);
            case Op.Sub s -> binary(n, values, out);
            case Op.Mul m -> binary(n, values, out);
            case Op.Concat c -> {
                List<double[]> parts = new ArrayList<>();
                for (String in : n.inputs()) parts.add(values.get(in));
                yield ReferenceOps.concat(parts, (int) out.elements());
            }
            case Op.Softmax s -> ReferenceOps.softmax(values.get(n.input(0)), out, (s.axis() < 0 ? s.axis() + out.rank() + 1 : s.axis()) - 1);
            case Op.Dropout d -> pass.stochastic()
                    ? ReferenceOps.dropout(values.get(n.input(0)), out, d, pass.seed(), pass.sample(), imageKey, graph.maskIndex(n))
                    : values.get(n.input(0)).clone();
        };
    }

    private TensorShape shapeOf(Node n, int input) { return graph.shape(n.input(input)); }

    private double[] binary(Node n, Map<String, double[]> values, TensorShape out) {
        double[][] v = new double[2][];
        int[][] dims = new int[2][];
        for (int k = 0; k < 2; k++) {
            String in = n.input(k);
            Initializer c = graph.initializer(in);
            v[k] = c == null ? values.get(in) : constant(in);
            dims[k] = c == null ? graph.shape(in).dims() : ReferenceOps.alignConstant(c.dims(), out.rank());
        }
        return ReferenceOps.binary(n.op(), v[0], dims[0], v[1], dims[1], out);
    }

    private double[] constant(String name) {
        return constants.computeIfAbsent(name, k -> graph.initializer(k).toDoubles());
    }
}
