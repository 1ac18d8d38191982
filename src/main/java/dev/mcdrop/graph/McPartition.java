package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The prefix-once rule on a DAG. A node is <em>reached by dropout</em> when it is a Dropout or
 * reads a tensor that a reached node computes; its value differs from sample to sample, so MC
 * prediction runs it on the T·B enlarged batch. Every other node computes the same value in every
 * sample and runs once per image: the chain's deterministic prefix, and now also side branches
 * that never meet a dropout and the once-computed inputs of a residual Add after one. The tensors
 * where the two parts meet ({@link #expanded()}) are computed once and replicated into the T
 * samples. One pass over the nodes in topological order.
 */
public final class McPartition {
    private final Graph graph;
    private final boolean[] reached;
    private final List<Node> once = new ArrayList<>(), sampled = new ArrayList<>();
    private final List<String> expanded;

    private McPartition(Graph graph) {
        this.graph = graph;
        List<Node> nodes = graph.nodes();
        reached = new boolean[nodes.size()];
        Set<String> varying = new HashSet<>();
        Set<String> expanded = new LinkedHashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            boolean r = n.op() instanceof Op.Dropout;
            for (String in : n.inputs()) r |= varying.contains(in);
            reached[i] = r;
            if (r) {
                varying.addAll(n.outputs());
                sampled.add(n);
                for (String in : n.inputs()) if (!varying.contains(in) && !graph.isInitializer(in)) expanded.add(in);
            } else {
                once.add(n);
            }
        }
        this.expanded = List.copyOf(expanded);
    }

    public static McPartition of(Graph graph) { return new McPartition(graph); }

    public Graph graph() { return graph; }

    /** Whether the node's value depends on a dropout mask (it is one, or reads what one reaches). */
    public boolean reachedByDropout(Node node) { return reached[graph.indexOf(node)]; }

    public boolean reachedByDropout(String nodeName) { return reachedByDropout(graph.node(nodeName)); }

    /** Whether a computed tensor varies between samples (the graph input never does). */
    public boolean varies(String tensor) {
        Node p = graph.producer(tensor);
        return p != null && reachedByDropout(p);
    }

    /** Nodes that run once per image, in topological order. */
    public List<Node> once() { return List.copyOf(once); }

    /** Nodes that run on every (sample, image) pair, in topological order. */
    public List<Node> sampled() { return List.copyOf(sampled); }

    /** Once-per-image tensors that sampled nodes read: replicated into the T samples (the chain's "expand"). */
    public List<String> expanded() { return expanded; }

    /** No dropout at all: MC prediction is the standard prediction, every output is once per image. */
    public boolean deterministic() { return sampled.isEmpty(); }

    /** What {@code info} prints: how many nodes run where, and which tensors are replicated. */
    public String describe() {
        if (deterministic()) return "no dropout: all " + once.size() + " nodes run once per image (MC = standard prediction)";
        StringBuilder sb = new StringBuilder();
        sb.append(once.size()).append(" of ").append(graph.nodes().size()).append(" nodes run once per image, ")
                .append(sampled.size()).append(" on every sample; expanded into the T samples: ");
        int i = 0;
        for (String t : expanded) {
            if (i == Names.MAX_LISTED) {
                sb.append(", … and ").append(expanded.size() - i).append(" more");
                break;
            }
            if (i++ > 0) sb.append(", ");
            sb.append(Names.quote(t)).append(' ').append(graph.shape(t));
        }
        List<String> constant = new ArrayList<>();
        for (String o : graph.outputs()) if (!varies(o)) constant.add(o);
        if (!constant.isEmpty()) sb.append("; outputs no dropout reaches: ").append(Names.list(constant));
        return sb.toString();
    }
}
