package dev.mcdrop.graph;

import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The chain engine's networks ({@link Network}: conv / dense / pool / ReLU / dropout / flatten /
 * softmax) as graphs, one node per layer: conv2d → Conv, dense → Gemm (transB), max/avgpool →
 * MaxPool/AveragePool, and the rest by name. Weights are shared, not copied. Each Dropout keeps the
 * chain's mask index (its layer's position in the layer list, docs/DESIGN.md "Masks") as an
 * explicit {@link Op.Dropout#maskIndex}, so the graph draws exactly the chain's masks. Where the
 * chain treats a C×1×1 map as a vector (a dense or softmax layer straight after one) the graph
 * gets a Flatten, which changes no value; the output is flattened the same way.
 */
final class ChainGraphs {
    private ChainGraphs() {}

    static Graph fromChain(Weights weights) {
        Network net = weights.network();
        Names names = new Names();
        for (Network.Stage s : net.stages()) {
            if (s.layer() instanceof Layer.Conv2d c) names.reserve(c.name());
            if (s.layer() instanceof Layer.Dense d) names.reserve(d.name());
        }
        List<Initializer> inits = new ArrayList<>();
        for (ParamSpec p : net.params()) {
            names.reserveTensor(p.tensorName());
            inits.add(Initializer.of(p.tensorName(), p.shape(), weights.tensor(p.tensorName())));
        }
        String x = names.fresh("input");
        GraphInput input = new GraphInput(x, net.input());
        List<Node> nodes = new ArrayList<>();
        boolean flat = false; // whether x is [N,F] in the graph (the chain does not tell C×1×1 from F)
        for (Network.Stage s : net.stages()) {
            Layer layer = s.layer();
            if ((layer instanceof Layer.Dense || layer instanceof Layer.Softmax) && !flat) {
                x = add(nodes, names, "flatten_" + s.index(), new Op.Flatten(), x);
                flat = true;
            }
            x = switch (layer) {
                case Layer.Conv2d c -> {
                    String out = names.tensorFor(c.name());
                    nodes.add(new Node(c.name(), Op.Conv.simple(c.stride(), c.padding()),
                            List.of(x, c.name() + ".weight", c.name() + ".bias"), List.of(out)));
                    yield out;
                }
                case Layer.Dense d -> {
                    String out = names.tensorFor(d.name());
                    nodes.add(new Node(d.name(), new Op.Gemm(true, 1.0, 1.0), List.of(x, d.name() + ".weight", d.name() + ".bias"), List.of(out)));
                    yield out;
                }
                case Layer.Pool p -> add(nodes, names, layer.type() + s.index(), p.max()
                        ? new Op.MaxPool(Op.Size2.square(p.kernel()), Op.Size2.square(p.stride()), Op.Pads.NONE, Op.AutoPad.NOTSET, false, Op.Size2.ONE)
                        : new Op.AveragePool(Op.Size2.square(p.kernel()), Op.Size2.square(p.stride()), Op.Pads.NONE, Op.AutoPad.NOTSET, false, false), x);
                case Layer.Relu r -> add(nodes, names, "relu" + s.index(), new Op.Relu(), x);
                case Layer.Dropout d -> add(nodes, names, "dropout" + s.index(), new Op.Dropout(d.p(), d.perChannel(), OptionalInt.of(s.index())), x);
                case Layer.Flatten f -> add(nodes, names, "flatten" + s.index(), new Op.Flatten(), x);
                case Layer.Softmax f -> add(nodes, names, "softmax" + s.index(), new Op.Softmax(1), x);
            };
            if (layer instanceof Layer.Flatten || layer instanceof Layer.Dense) flat = true;
            if (layer instanceof Layer.Conv2d || layer instanceof Layer.Pool) flat = false;
        }
        if (!flat) x = add(nodes, names, "flatten_output", new Op.Flatten(), x);
        return new Graph(net.architecture().name(), input, inits, nodes, List.of(x));
    }

    /** A one-input node named (and writing a tensor named) {@code base}, made unique. */
    private static String add(List<Node> nodes, Names names, String base, Op op, String input) {
        String n = names.fresh(base);
        nodes.add(Node.of(n, op, input, n));
        return n;
    }

    /**
     * Names not yet used by a layer, an initializer or an earlier node: {@code base}, else base_2,
     * base_3, … A conv or dense node is named after its layer (unique among layers) and so is its
     * output tensor, unless an initializer already has that name.
     */
    private static final class Names {
        private final Set<String> used = new HashSet<>(), initializers = new HashSet<>();

        void reserve(String name) { used.add(name); }

        void reserveTensor(String name) {
            used.add(name);
            initializers.add(name);
        }

        String tensorFor(String layer) { return initializers.contains(layer) ? fresh(layer + "_out") : layer; }

        String fresh(String base) {
            if (used.add(base) && !base.isEmpty()) return base;
            for (int i = 2; ; i++) if (used.add(base + "_" + i)) return base + "_" + i;
        }
    }
}
