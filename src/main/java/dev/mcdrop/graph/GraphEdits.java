package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Pure edits of a {@link Graph}, for models exported without their dropout (issue 14's
 * {@code --dropout NODE[:p][,NODE[:p]...]}). {@link #insertDropout} puts an MC Dropout right after
 * each named node: the node's output tensor goes into the Dropout, and every node that read it (and
 * the graph's output list, where it is an output) reads the Dropout's output instead.
 *
 * <p>Mask indices: in a graph whose Dropouts carry no explicit index (ONNX models, graph files,
 * the graph presets) the inserted ones carry none either, so every Dropout's index is its position
 * among the Dropout nodes (docs/GRAPH.md, "The dropout index rule"). In a graph with explicit
 * indices (a chain network, {@link Graph#fromChain}) the existing Dropouts keep the indices they
 * have, made explicit, and the inserted ones get the next free indices after the largest in use, in
 * topological order, so the chain's own masks stay what they were. Insert before
 * {@link Folding#foldBatchNorm}: a folded batch norm's name is gone.
 */
public final class GraphEdits {
    /** The Dropout rate when a spec gives none. */
    public static final float DEFAULT_P = 0.5f;

    private GraphEdits() {}

    /** One insertion: an MC Dropout of rate {@code p} after node {@code node}. */
    public record DropoutAfter(String node, float p) {}

    /**
     * Parses {@code NODE[:p][,NODE[:p]...]} against {@code graph}: an item that is a node's name as a
     * whole is that node (so a name may hold ':' or be followed by ':p'); otherwise the text after
     * its last ':' is p. Refusals are one line starting with {@code --dropout}.
     */
    public static List<DropoutAfter> parse(Graph graph, String spec) {
        List<DropoutAfter> out = new ArrayList<>();
        if (spec.isBlank()) throw new GraphException("--dropout: no node named; give NODE[:p][,NODE[:p]...]");
        for (String item : spec.split(",", -1)) {
            if (item.isEmpty()) throw new GraphException("--dropout " + Names.quote(spec) + ": an empty item (two commas, or one at an end)");
            int colon = item.lastIndexOf(':');
            if (hasNode(graph, item) || colon < 0) {
                out.add(new DropoutAfter(item, DEFAULT_P));
                continue;
            }
            String name = item.substring(0, colon), p = item.substring(colon + 1);
            double value;
            try {
                value = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                if (!hasNode(graph, name)) throw unknown(graph, item);
                throw new GraphException("--dropout " + Names.quote(item) + ": p " + Names.quote(p) + " is not a number");
            }
            if (!(value > 0 && value < 1 && (float) value < 1f && (float) value > 0f)) {
                throw new GraphException("--dropout " + Names.quote(item) + ": p must be in (0, 1), got " + p);
            }
            out.add(new DropoutAfter(name, (float) value));
        }
        return out;
    }

    /** {@link #insertDropout(Graph, List)} of {@link #parse parse(graph, spec)}. */
    public static Graph insertDropout(Graph graph, String spec) { return insertDropout(graph, parse(graph, spec)); }

    /** The graph with an MC Dropout after each named node; refuses an unknown node, a node named twice, one a Dropout already follows, and p outside (0, 1). */
    public static Graph insertDropout(Graph graph, List<DropoutAfter> insertions) {
        if (insertions.isEmpty()) return graph;
        Map<String, Float> after = new LinkedHashMap<>();
        for (DropoutAfter d : insertions) {
            if (!hasNode(graph, d.node())) throw unknown(graph, d.node());
            if (!(d.p() > 0f && d.p() < 1f)) {
                throw new GraphException("--dropout " + Names.quote(d.node()) + ": p must be in (0, 1), got " + d.p());
            }
            if (after.put(d.node(), d.p()) != null) throw new GraphException("--dropout: node " + Names.quote(d.node()) + " is named twice");
            Node n = graph.node(d.node());
            if (n.op() instanceof Op.Dropout) throw new GraphException("--dropout: " + n.describe() + " is itself a Dropout");
            for (Node c : graph.consumers(n.output())) {
                if (c.op() instanceof Op.Dropout) {
                    throw new GraphException("--dropout: " + n.describe() + " is already followed by " + c.describe());
                }
            }
        }
        Set<String> taken = new HashSet<>();
        taken.add(graph.input().name());
        for (Initializer i : graph.initializers()) taken.add(i.name());
        for (Node n : graph.nodes()) {
            taken.add(n.name());
            taken.addAll(n.outputs());
        }
        boolean explicit = false;
        int next = 0;
        for (Node n : graph.nodes()) {
            if (n.op() instanceof Op.Dropout d) {
                explicit |= d.maskIndex().isPresent();
                next = Math.max(next, graph.maskIndex(n) + 1);
            }
        }
        Map<String, String> renamed = new HashMap<>(); // old tensor → the Dropout's output
        List<Node> nodes = new ArrayList<>(graph.nodes().size() + after.size());
        for (Node n : graph.nodes()) {
            Node kept = rename(n, renamed);
            if (explicit && kept.op() instanceof Op.Dropout d && d.maskIndex().isEmpty()) {
                kept = new Node(kept.name(), new Op.Dropout(d.ratio(), d.perChannel(), OptionalInt.of(graph.maskIndex(n))), kept.inputs(), kept.outputs());
            }
            nodes.add(kept);
            Float p = after.get(n.name());
            if (p == null) continue;
            String t = n.output(), dropped = fresh(taken, t + "/mc_dropout");
            OptionalInt index = explicit ? OptionalInt.of(next++) : OptionalInt.empty();
            nodes.add(Node.of(fresh(taken, n.name() + "/mc_dropout"), new Op.Dropout(p, false, index), t, dropped));
            renamed.put(t, dropped);
        }
        List<String> outputs = graph.outputs().stream().map(o -> renamed.getOrDefault(o, o)).toList();
        return new Graph(graph.name(), graph.input(), graph.initializers(), nodes, outputs);
    }

    private static Node rename(Node n, Map<String, String> renamed) {
        if (renamed.isEmpty()) return n;
        List<String> inputs = n.inputs().stream().map(i -> renamed.getOrDefault(i, i)).toList();
        return inputs.equals(n.inputs()) ? n : new Node(n.name(), n.op(), inputs, n.outputs());
    }

    private static boolean hasNode(Graph graph, String name) {
        for (Node n : graph.nodes()) if (n.name().equals(name)) return true;
        return false;
    }

    private static String fresh(Set<String> taken, String base) {
        if (taken.add(base)) return base;
        for (int i = 2; ; i++) if (taken.add(base + "#" + i)) return base + "#" + i;
    }

    /** "no node 'x' in graph 'g'; closest: 'a', 'b', 'c'", the closest by edit distance (case ignored). */
    static GraphException unknown(Graph graph, String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Map<String, Integer> d = new HashMap<>();
        for (Node n : graph.nodes()) d.put(n.name(), distance(key, n.name().toLowerCase(Locale.ROOT)));
        List<String> closest = d.keySet().stream().sorted(Comparator.comparing((String n) -> d.get(n)).thenComparing(n -> n)).limit(3).toList();
        return new GraphException("--dropout: no node " + Names.quote(name) + " in graph " + Names.quote(graph.name()) + "; closest: "
                + String.join(", ", closest.stream().map(Names::quote).toList()) + " (`info` lists the nodes)");
    }

    /** Levenshtein distance of the first 64 characters of each (a hostile name costs at most 64 × 64 steps per node). */
    static int distance(String a, String b) {
        a = a.length() > 64 ? a.substring(0, 64) : a;
        b = b.length() > 64 ? b.substring(0, 64) : b;
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
