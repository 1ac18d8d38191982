package dev.mcdrop.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph rewrites done once at load. {@link #foldBatchNorm} folds each inference BatchNormalization
 * into the Conv, Gemm or MatMul that feeds it: BN(y) = a·y + b per channel with
 * a = scale/√(var + ε), b = B − a·mean ({@link #affine}), so the producer's weights are scaled by a
 * along the output channel and its bias becomes a·bias + b. Folding is done in float64 (the new
 * initializers are {@link Initializer.Doubles}), so a float backend rounds the folded weights once.
 * A BatchNormalization whose input is read elsewhere too, is a graph output or comes from another
 * op stays, and runs as the per-channel affine.
 */
public final class Folding {
    private Folding() {}

    /** A BatchNormalization as y = scale[c]·x + shift[c]. */
    public record ChannelAffine(double[] scale, double[] shift) {}

    /** The per-channel affine of a BatchNormalization node of {@code graph}. */
    public static ChannelAffine affine(Graph graph, Node bn) {
        if (!(bn.op() instanceof Op.BatchNormalization b)) throw new IllegalArgumentException(bn.describe() + " is not a BatchNormalization");
        double[] gamma = graph.initializer(bn.input(1)).toDoubles(), beta = graph.initializer(bn.input(2)).toDoubles();
        double[] mean = graph.initializer(bn.input(3)).toDoubles(), var = graph.initializer(bn.input(4)).toDoubles();
        double[] scale = new double[gamma.length], shift = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(var[c] + b.epsilon());
            shift[c] = beta[c] - scale[c] * mean[c];
        }
        return new ChannelAffine(scale, shift);
    }

    /** {@code graph} with every foldable BatchNormalization folded into its producer; the same graph when none is. */
    public static Graph foldBatchNorm(Graph graph) {
        List<Node> nodes = new ArrayList<>(graph.nodes());
        Map<String, Initializer> inits = new LinkedHashMap<>();
        for (Initializer i : graph.initializers()) inits.put(i.name(), i);
        Set<String> names = new HashSet<>(inits.keySet());
        for (Node n : graph.nodes()) {
            names.add(n.name());
            names.addAll(n.outputs());
        }
        names.add(graph.input().name());
        boolean changed = false;
        for (Node bn : graph.nodes()) {
            if (!(bn.op() instanceof Op.BatchNormalization)) continue;
            String y = bn.input(0);
            Node producer = graph.producer(y);
            if (producer == null || graph.consumers(y).size() != 1 || graph.outputs().contains(y)) continue;
            if (!(producer.op() instanceof Op.Conv || producer.op() instanceof Op.Gemm || producer.op() instanceof Op.MatMul)) continue;
            ChannelAffine a = affine(graph, bn);
            Node folded = fold(graph, producer, a, bn.output(), inits, names);
            nodes.set(nodes.indexOf(producer), folded);
            nodes.remove(bn);
            changed = true;
        }
        if (!changed) return graph;
        Set<String> used = new HashSet<>();
        for (Node n : nodes) used.addAll(n.inputs());
        inits.keySet().retainAll(used);
        return new Graph(graph.name(), graph.input(), inits.values(), nodes, graph.outputs());
    }

    /** The producer with weights and bias scaled by the affine, writing the batch norm's output tensor. */
    private static Node fold(Graph graph, Node p, ChannelAffine a, String output, Map<String, Initializer> inits, Set<String> names) {
        Initializer w = graph.initializer(p.input(1));
        double[] weights = w.toDoubles();
        int channels = a.scale().length;
        double[] bias = new double[channels];
        Op op = p.op();
        switch (op) {
            case Op.Conv c -> {
                int per = weights.length / channels; // [M][C/group][kH][kW]: output channel m is a contiguous block
                for (int i = 0; i < weights.length; i++) weights[i] *= a.scale()[i / per];
                double[] old = p.inputs().size() > 2 ? graph.initializer(p.input(2)).toDoubles() : new double[channels];
                for (int m = 0; m < channels; m++) bias[m] = a.scale()[m] * old[m] + a.shift()[m];
            }
            case Op.Gemm g -> {
                int k = weights.length / channels; // transB: [M][K], else [K][M]
                for (int i = 0; i < weights.length; i++) weights[i] *= a.scale()[g.transB() ? i / k : i % channels];
                double[] c = p.inputs().size() > 2 ? graph.initializer(p.input(2)).toDoubles() : null;
                for (int m = 0; m < channels; m++) {
                    double old = c == null ? 0.0 : g.beta() * c[c.length == 1 ? 0 : m];
                    bias[m] = a.scale()[m] * old + a.shift()[m];
                }
                op = new Op.Gemm(g.transB(), g.alpha(), 1.0);
            }
            case Op.MatMul m -> {
                for (int i = 0; i < weights.length; i++) weights[i] *= a.scale()[i % channels];
                System.arraycopy(a.shift(), 0, bias, 0, channels);
                op = new Op.Gemm(false, 1.0, 1.0);
            }
            default -> throw new IllegalStateException(p.describe() + " cannot absorb a batch norm");
        }
        String wName = fresh(names, p.name() + ".folded_weight"), bName = fresh(names, p.name() + ".folded_bias");
        inits.put(wName, Initializer.ofDoubles(wName, w.dims(), weights));
        inits.put(bName, Initializer.ofDoubles(bName, new int[]{channels}, bias));
        return new Node(p.name(), op, List.of(p.input(0), wName, bName), List.of(output));
    }

    private static String fresh(Set<String> names, String base) {
        if (names.add(base)) return base;
        for (int i = 2; ; i++) if (names.add(base + "_" + i)) return base + "_" + i;
    }
}
