package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network as a DAG of named tensors (ONNX's GraphProto, restricted to what mcdrop runs): one
 * image input [N,C,H,W] (the batch implicit), named initializers, nodes in topological order, and
 * the output tensors. Immutable, and checked when built: names unique (tensors; nodes), every node
 * input defined exactly once and before the node (so no cycles), every operator given inputs it
 * supports and shapes that fit ({@link ShapeInference}, bounded by {@link GraphLimits}), auto_pad
 * resolved into explicit pads, every Dropout given its own mask index. A graph that fails any check
 * is refused with a {@link GraphException} naming the node. Linear in the graph's size.
 */
public final class Graph {
    private final String name;
    private final GraphInput input;
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private final List<Node> nodes;
    private final List<String> outputs;
    private final Map<String, TensorShape> shapes = new HashMap<>();
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final int[] maskIndex; // per node; -1 for all but Dropout

    public Graph(String name, GraphInput input, Collection<Initializer> initializers, List<Node> nodes, List<String> outputs) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.input = java.util.Objects.requireNonNull(input, "input");
        String where = "graph " + Names.quote(name);
        if (nodes.isEmpty()) throw new GraphException(where + ": no nodes");
        if (nodes.size() > GraphLimits.MAX_NODES) {
            throw new GraphException(where + ": " + nodes.size() + " nodes; at most " + GraphLimits.MAX_NODES + " are supported");
        }
        if (initializers.size() > GraphLimits.MAX_INITIALIZERS) {
            throw new GraphException(where + ": " + initializers.size() + " initializers; at most " + GraphLimits.MAX_INITIALIZERS + " are supported");
        }
        if (input.name().isEmpty()) throw new GraphException(where + ": the input has no name");
        checkInput(input, where);
        shapes.put(input.name(), input.tensorShape());
        for (Initializer i : initializers) {
            if (i.name().isEmpty()) throw new GraphException(where + ": an initializer has no name");
            if (i.length() > GraphLimits.MAX_VALUES) {
                throw new GraphException(where + ": initializer " + Names.quote(i.name()) + " has " + i.length() + " values; at most "
                        + GraphLimits.MAX_VALUES + " are supported");
            }
            if (i.name().equals(input.name()) || this.initializers.putIfAbsent(i.name(), i) != null) {
                throw new GraphException(where + ": tensor " + Names.quote(i.name()) + " is defined twice (as "
                        + (i.name().equals(input.name()) ? "the input" : "an initializer") + " and as an initializer)");
            }
        }
        // Who produces what, so that an input defined only by a later node reads as a cycle / order error.
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            if (node.name().isEmpty()) throw new GraphException(where + ": node " + n + " (" + node.op().type() + ") has no name");
            if (nodeIndex.putIfAbsent(node.name(), n) != null) throw new GraphException(where + ": two nodes are named " + Names.quote(node.name()));
            for (String out : node.outputs()) {
                if (out.isEmpty()) throw new GraphException(node.describe() + ": an output has no name");
                String before = definer(out, nodes);
                if (before != null) throw new GraphException(node.describe() + ": output " + Names.quote(out) + " is already defined by " + before);
                producers.put(out, n);
            }
        }
        List<Node> resolved = new ArrayList<>(nodes.size());
        ShapeInference.Lookup lookup = new ShapeInference.Lookup() {
            public TensorShape activation(String t) { return shapes.get(t); }

            public Initializer initializer(String t) { return Graph.this.initializers.get(t); }
        };
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            for (int k = 0; k < node.inputs().size(); k++) {
                String in = node.input(k);
                if (in.isEmpty()) throw new GraphException(node.describe() + ": input " + k + " has no name");
                if (shapes.containsKey(in) || this.initializers.containsKey(in)) continue;
                Integer from = producers.get(in);
                if (from == null) {
                    throw new GraphException(node.describe() + ": input " + Names.quote(in)
                            + " is not defined (not the graph input, an initializer or any node's output)");
                }
                throw new GraphException(node.describe() + ": input " + Names.quote(in) + " comes from " + nodes.get(from).describe()
                        + (from == n ? ", itself" : ", which is not before it") + ": the nodes are not in topological order or form a cycle");
            }
            ShapeInference.Result r = ShapeInference.infer(node, lookup);
            Node done = r.op() == node.op() ? node : new Node(node.name(), r.op(), node.inputs(), node.outputs());
            resolved.add(done);
            shapes.put(done.output(), r.out());
            for (String in : done.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(done);
        }
        this.nodes = List.copyOf(resolved);
        if (outputs.isEmpty()) throw new GraphException(where + ": no outputs");
        Set<String> seen = new HashSet<>();
        for (String out : outputs) {
            if (!shapes.containsKey(out)) {
                throw new GraphException(where + ": output " + Names.quote(out) + " is "
                        + (this.initializers.containsKey(out) ? "an initializer, not a computed tensor" : "not defined"));
            }
            if (!seen.add(out)) throw new GraphException(where + ": output " + Names.quote(out) + " is listed twice");
        }
        this.outputs = List.copyOf(outputs);
        this.maskIndex = maskIndices(this.nodes);
    }

    private static void checkInput(GraphInput input, String where) {
        var s = input.shape();
        if (s.channels() > GraphLimits.MAX_CHANNELS || s.height() > GraphLimits.MAX_SIDE || s.width() > GraphLimits.MAX_SIDE
                || s.elements() > GraphLimits.MAX_VALUES) {
            throw new GraphException(where + ": input " + Names.quote(input.name()) + " is " + input.tensorShape() + "; at most "
                    + GraphLimits.MAX_CHANNELS + " channels, sides of " + GraphLimits.MAX_SIDE + " and " + GraphLimits.MAX_VALUES
                    + " values per image are supported");
        }
    }

    /** Who defines tensor {@code t} so far (input, initializer, node), or null. */
    private String definer(String t, List<Node> nodes) {
        if (t.equals(input.name())) return "the graph input";
        if (initializers.containsKey(t)) return "an initializer";
        Integer n = producers.get(t);
        return n == null ? null : nodes.get(n).describe();
    }

    /** Mask index of every Dropout (explicit, or its rank among the Dropout nodes), checked distinct; -1 elsewhere. */
    private static int[] maskIndices(List<Node> nodes) {
        int[] index = new int[nodes.size()];
        Map<Integer, Node> taken = new HashMap<>();
        int ordinal = 0;
        for (int n = 0; n < nodes.size(); n++) {
            index[n] = -1;
            if (nodes.get(n).op() instanceof Op.Dropout d) {
                index[n] = d.maskIndex().orElse(ordinal);
                ordinal++;
                Node other = taken.putIfAbsent(index[n], nodes.get(n));
                if (other != null) {
                    throw new GraphException(nodes.get(n).describe() + ": mask index " + index[n] + " is also " + other.describe()
                            + "'s; two dropouts with one index would draw the same masks");
                }
            }
        }
        return index;
    }

    /** The chain network of {@code weights} as a graph (see {@link ChainGraphs}): same values, same masks. */
    public static Graph fromChain(Weights weights) { return ChainGraphs.fromChain(weights); }

    public String name() { return name; }

    public GraphInput input() { return input; }

    /** Initializers in the order given. */
    public Collection<Initializer> initializers() { return Collections.unmodifiableCollection(initializers.values()); }

    /** The initializer named {@code tensor}, or null. */
    public Initializer initializer(String tensor) { return initializers.get(tensor); }

    public boolean isInitializer(String tensor) { return initializers.containsKey(tensor); }

    /** Nodes in topological order, auto_pad resolved. */
    public List<Node> nodes() { return nodes; }

    public Node node(String nodeName) {
        Integer i = nodeIndex.get(nodeName);
        if (i == null) throw new IllegalArgumentException("no node " + Names.quote(nodeName) + " in graph " + Names.quote(name));
        return nodes.get(i);
    }

    /** Position of {@code node} in {@link #nodes()}. */
    public int indexOf(Node node) {
        Integer i = nodeIndex.get(node.name());
        if (i == null || !nodes.get(i).equals(node)) throw new IllegalArgumentException(node.describe() + " is not in graph " + Names.quote(name));
        return i;
    }

    public List<String> outputs() { return outputs; }

    /** Per-image shape of a computed tensor (the input or a node's output). */
    public TensorShape shape(String tensor) {
        TensorShape s = shapes.get(tensor);
        if (s == null) throw new IllegalArgumentException("no computed tensor " + Names.quote(tensor));
        return s;
    }

    /** The node that computes {@code tensor}, or null for the input and initializers. */
    public Node producer(String tensor) {
        Integer i = producers.get(tensor);
        return i == null ? null : nodes.get(i);
    }

    /** The nodes that read {@code tensor}, in order. */
    public List<Node> consumers(String tensor) { return List.copyOf(consumers.getOrDefault(tensor, List.of())); }

    /** The Philox counter word c3 of a Dropout node's masks (docs/GRAPH.md, "Dropout index"). */
    public int maskIndex(Node dropout) {
        int i = maskIndex[indexOf(dropout)];
        if (i < 0) throw new IllegalArgumentException(dropout.describe() + " is not a Dropout");
        return i;
    }

    public boolean hasDropout() {
        for (Node n : nodes) if (n.op() instanceof Op.Dropout) return true;
        return false;
    }

    /** One line per node: name, op, inputs → output and its shape. */
    public String summary() {
        StringBuilder sb = new StringBuilder(Names.display(name, Names.MAX_NAME)).append(": input ")
                .append(Names.quote(input.name())).append(' ').append(input.tensorShape()).append('\n');
        for (Node n : nodes) {
            sb.append("  ").append(n.describe()).append(' ').append(Names.list(n.inputs(), 4)).append(" -> ")
                    .append(Names.quote(n.output())).append(' ').append(shape(n.output()));
            if (n.op() instanceof Op.Dropout d) sb.append(" p=").append(d.ratio()).append(d.perChannel() ? " per channel" : "")
                    .append(" mask index ").append(maskIndex(n));
            sb.append('\n');
        }
        return sb.append("  outputs: ").append(Names.list(outputs)).toString();
    }

    @Override public String toString() { return "graph " + name + " (" + nodes.size() + " nodes)"; }
}
