package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;
import dev.mcdrop.graph.Folding;
import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.GraphException;
import dev.mcdrop.graph.Initializer;
import dev.mcdrop.graph.Node;
import dev.mcdrop.graph.Op;
import dev.mcdrop.graph.TensorShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a graph into backend steps by named fusion patterns, one pass over the nodes in
 * topological order. Each node runs in its phase (once per image, or on every sample when a
 * dropout reaches it: {@link GraphPlan}); a step starting at a node absorbs the nodes after it that
 * read nothing else and that its pattern can carry:
 * <ul>
 * <li>{@code conv|gemm[+scale][+bias][+residual][+act][+dropout][+pool]}: a Conv / Gemm / MatMul and
 *     its tail — a residual Add whose other operand is already computed (the Add fused into the
 *     producing epilogue, no pass of its own), one activation, one Dropout, and a simple pooling when
 *     the tail is the chain's bias + ReLU + dropout (LeNet's conv2 → dropout → pool);</li>
 * <li>{@code pointwise+…}: an activation, an unfolded batch norm (scale + bias) or a Dropout with no GEMM
 *     before it, in place (after a copy when something else still reads its input);</li>
 * <li>{@code expand[+dropout][+pool]}: a once-per-image tensor that sampled nodes read, replicated
 *     into the chunk's columns; masked as it is copied when a Dropout is its only reader, and pooled
 *     there too when a pool follows that Dropout (LeNet's conv1 → dropout → pool);</li>
 * <li>{@code pool}, {@code global-pool}, {@code flatten}, {@code add|sub|mul}, {@code concat},
 *     {@code softmax}: one node each; Identity and a Flatten of C×1×1 change no value and cost nothing.</li>
 * </ul>
 * A final Softmax over the classes is left to the MC reduction. Anything else is refused naming the
 * node and its op type.
 */
final class GraphCompiler {
    private final Backend backend;
    private final Graph graph;
    private final List<Buffer> owned;
    private final Map<String, PlanTensor> once = new HashMap<>(), sampled = new HashMap<>();
    private final Set<Node> emitted = new HashSet<>();
    private final Map<PlanTensor, List<String>> namesOf = new java.util.IdentityHashMap<>(); // every graph name a plan tensor holds
    private final Set<String> needed = new HashSet<>();
    private final Set<Node> reached = new HashSet<>();
    final List<PlanStep> onceSteps = new ArrayList<>(), sampledSteps = new ArrayList<>(), expandSteps = new ArrayList<>();
    final PlanTensor input;
    final PlanTensor logits;
    final List<PlanTensor> expandedSources = new ArrayList<>();

    GraphCompiler(Backend backend, Graph folded, List<Buffer> owned) {
        this.backend = backend;
        this.graph = folded;
        this.owned = owned;
        String out = logitsOf(graph);
        markNeeded(out);
        for (Node n : graph.nodes()) {
            if (!needed.contains(n.name())) continue;
            boolean r = n.op() instanceof Op.Dropout;
            for (String in : n.inputs()) { Node p = graph.producer(in); r |= p != null && reached.contains(p); }
            if (r) reached.add(n);
        }
        input = new PlanTensor(graph.input().name(), graph.input().shape().channels(), graph.input().shape().plane(), false);
        alias(input.name, input);
        for (Node n : graph.nodes()) if (needed.contains(n.name()) && !emitted.contains(n)) compile(n);
        PlanTensor result = tensor(out, isSampled(out));
        logits = result;
    }

    /**
     * The tensor whose softmax the MC reduction takes: the output, or the input of a final Softmax
     * over the classes (looking through nodes that change no value after it: Identity, a Flatten or
     * Reshape of a vector). A graph whose output is computed from a Softmax's probabilities in any
     * other way (a Dropout or an activation after it) is refused: its softmax would be taken twice.
     */
    private static String logitsOf(Graph graph) {
        String t = graph.outputs().getFirst();
        Node p = graph.producer(t);
        while (p != null && (p.op() instanceof Op.Identity
                || ((p.op() instanceof Op.Flatten || p.op() instanceof Op.Reshape) && graph.shape(p.input(0)).plane() == 1))) {
            t = p.input(0);
            p = graph.producer(t);
        }
        if (p != null && p.op() instanceof Op.Softmax s && graph.shape(t).elements() == graph.shape(t).channels()
                && (s.axis() == 1 || s.axis() == -1 || graph.shape(t).rank() == 1)) {
            return p.input(0);
        }
        List<String> path = new ArrayList<>();
        for (Node q = p; q != null && q.inputs().size() - initializerInputs(graph, q) == 1; q = graph.producer(q.input(0))) {
            if (q.op() instanceof Op.Softmax) {
                throw new GraphException("the output " + dev.mcdrop.io.Names.quote(graph.outputs().getFirst()) + " is computed from the probabilities of "
                        + q.describe() + " (then " + dev.mcdrop.io.Names.list(path.reversed()) + "); mcdrop takes the softmax of the output itself, "
                        + "so the graph must end in logits or in that Softmax");
            }
            path.add(q.name());
        }
        return graph.outputs().getFirst();
    }

    private static int initializerInputs(Graph graph, Node n) {
        int k = 0;
        for (String in : n.inputs()) if (graph.isInitializer(in)) k++;
        return k;
    }

    /** Whether any dropout reaches the output: else MC prediction is the standard prediction and everything runs once. */
    boolean stochastic() { return !sampledSteps.isEmpty() || !expandSteps.isEmpty(); }

    private void markNeeded(String tensor) {
        List<String> todo = new ArrayList<>(List.of(tensor));
        while (!todo.isEmpty()) {
            Node p = graph.producer(todo.removeLast());
            if (p != null && needed.add(p.name())) todo.addAll(p.inputs());
        }
    }

    private boolean isSampled(String tensor) {
        Node p = graph.producer(tensor);
        return p != null && reached.contains(p);
    }

    private boolean isSampled(Node n) { return reached.contains(n); }

    /** The plan tensor of a computed graph tensor as read in a phase (a once tensor read by a sampled node: its replica). */
    private PlanTensor tensor(String name, boolean inSampledPhase) {
        if (inSampledPhase) {
            PlanTensor t = sampled.get(name);
            if (t != null) return t;
            PlanTensor src = once.get(name);
            if (src == null) throw new IllegalStateException("tensor " + name + " used before it is computed");
            PlanTensor copy = new PlanTensor(name, src.channels, src.plane, true);
            namesOf.computeIfAbsent(copy, k -> new ArrayList<>()).add(name);
            expandSteps.add(new PlanStep.Expand(List.of(), src, copy, null, null, null));
            expandedSources.add(src);
            sampled.put(name, copy);
            return copy;
        }
        PlanTensor t = once.get(name);
        if (t == null) throw new IllegalStateException("tensor " + name + " used before it is computed");
        return t;
    }

    private PlanTensor define(String name, boolean inSampledPhase) {
        TensorShape s = graph.shape(name);
        PlanTensor t = new PlanTensor(name, s.channels(), s.plane(), inSampledPhase);
        alias(name, t);
        return t;
    }

    private void alias(String name, PlanTensor t) {
        (t.sampled ? sampled : once).put(name, t);
        namesOf.computeIfAbsent(t, k -> new ArrayList<>()).add(name);
    }

    private void emit(boolean inSampledPhase, PlanStep step) { (inSampledPhase ? sampledSteps : onceSteps).add(step); }

    /** The only needed consumer of {@code tensor} in the same phase, when there is exactly one and nothing else (an output) reads it. */
    private Node soleConsumer(String tensor, boolean phase) {
        if (graph.outputs().contains(tensor)) return null;
        List<Node> readers = new ArrayList<>();
        for (Node c : graph.consumers(tensor)) if (needed.contains(c.name())) readers.add(c);
        if (readers.size() != 1) return null;
        Node c = readers.getFirst();
        if (emitted.contains(c) || isSampled(c) != phase) return null;
        int uses = 0;
        for (String in : c.inputs()) if (in.equals(tensor)) uses++;
        return uses == 1 ? c : null;
    }

    private GraphException refuse(Node n, String why) {
        return new GraphException(n.describe() + ": " + why);
    }

    private void compile(Node n) {
        boolean phase = isSampled(n);
        emitted.add(n);
        switch (n.op()) {
            case Op.Conv c -> compileConv(n, c, phase);
            case Op.Gemm g -> compileGemm(n, phase, gemmWeight(n, g.transB(), g.alpha()), gemmBias(n, g));
            case Op.MatMul m -> compileGemm(n, phase, gemmWeight(n, false, 1.0), null);
            case Op.BatchNormalization b -> {
                Folding.ChannelAffine a = Folding.affine(graph, n);
                compilePointwise(n, phase, new PlanStep.Tail(upload(a.scale()), upload(a.shift()), null, Activation.IDENTITY, null));
            }
            case Op.Dropout d -> {
                if (!compileExpandDropout(n, d)) compilePointwise(n, phase, new PlanStep.Tail(null, null, null, Activation.IDENTITY, dropout(n, d)));
            }
            case Op.Relu r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.LeakyRelu r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.Sigmoid r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.Tanh r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.Clip r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.Gelu r -> compilePointwise(n, phase, activationTail(n.op()));
            case Op.MaxPool p -> pool(n, phase, new PoolGeometry(PoolGeometry.PoolKind.MAX, inH(n), inW(n),
                    window(p.kernel(), p.strides(), p.pads(), p.dilations()), p.ceilMode(), false));
            case Op.AveragePool p -> pool(n, phase, new PoolGeometry(PoolGeometry.PoolKind.AVERAGE, inH(n), inW(n),
                    window(p.kernel(), p.strides(), p.pads(), Op.Size2.ONE), p.ceilMode(), p.countIncludePad()));
            case Op.GlobalAveragePool p -> pool(n, phase, PoolGeometry.global(PoolGeometry.PoolKind.AVERAGE, inH(n), inW(n)));
            case Op.GlobalMaxPool p -> pool(n, phase, PoolGeometry.global(PoolGeometry.PoolKind.MAX, inH(n), inW(n)));
            case Op.Flatten f -> reshape(n, phase);
            case Op.Reshape r -> reshape(n, phase);
            case Op.Identity i -> alias(n.output(), tensor(n.input(0), phase));
            case Op.Add a -> binary(n, phase, BinaryOp.ADD);
            case Op.Sub s -> binary(n, phase, BinaryOp.SUB);
            case Op.Mul m -> binary(n, phase, BinaryOp.MUL);
            case Op.Concat c -> {
                List<PlanTensor> ins = new ArrayList<>();
                for (String in : n.inputs()) {
                    if (graph.isInitializer(in)) throw refuse(n, "concatenating a constant is not supported");
                    ins.add(tensor(in, phase));
                }
                emit(phase, new PlanStep.Concat(List.of(n.name()), ins, define(n.output(), phase)));
            }
            case Op.Softmax s -> {
                if (graph.shape(n.output()).rank() != 1 || (s.axis() != 1 && s.axis() != -1)) {
                    throw refuse(n, "only a softmax over a feature vector is supported inside a graph");
                }
                emit(phase, new PlanStep.Softmax(List.of(n.name()), tensor(n.input(0), phase), define(n.output(), phase)));
            }
        }
    }

    private int inH(Node n) { return graph.shape(n.input(0)).height(); }

    private int inW(Node n) { return graph.shape(n.input(0)).width(); }

    private static Window window(Op.Size2 kernel, Op.Size2 strides, Op.Pads pads, Op.Size2 dilations) {
        return Window.kernel(kernel.height(), kernel.width()).strides(strides.height(), strides.width())
                .pads(pads.top(), pads.left(), pads.bottom(), pads.right()).dilations(dilations.height(), dilations.width());
    }

    private PlanStep.Dropout dropout(Node n, Op.Dropout d) {
        return new PlanStep.Dropout(n.name(), graph.maskIndex(n), d.ratio(), d.perChannel());
    }

    private static PlanStep.Tail activationTail(Op op) {
        return new PlanStep.Tail(null, null, null, activation(op), null);
    }

    /** The backend activation of an activation node, or null when {@code op} is none. */
    private static Activation activation(Op op) {
        return switch (op) {
            case Op.Relu r -> Activation.RELU;
            case Op.LeakyRelu l -> Activation.leakyRelu((float) l.alpha());
            case Op.Sigmoid s -> Activation.SIGMOID;
            case Op.Tanh t -> Activation.TANH;
            case Op.Clip c -> Activation.clip((float) c.min(), (float) c.max());
            case Op.Gelu g -> Activation.GELU;
            default -> null;
        };
    }

    /**
     * Absorbs the nodes after {@code head} that a tail can carry (residual Add, one activation, one
     * Dropout, in that order), adding their names to {@code covered}; returns the tail and the last
     * absorbed tensor's name in {@code last[0]}.
     */
    private PlanStep.Tail absorbTail(Node head, PlanTensor x, boolean phase, PlanStep.Tail start, List<String> covered, String[] last,
                                     boolean allowResidual) {
        PlanStep.Tail t = start;
        String cur = last[0];
        while (true) {
            Node next = soleConsumer(cur, phase);
            if (next == null) break;
            Activation act = activation(next.op());
            if (allowResidual && next.op() instanceof Op.Add && t.residual() == null && t.act() == Activation.IDENTITY && t.dropout() == null) {
                String other = next.input(0).equals(cur) ? next.input(1) : next.input(0);
                if (!residualReady(other, phase, cur)) break;
                t = new PlanStep.Tail(t.scale(), t.bias(), tensor(other, phase), t.act(), null);
            } else if (act != null && t.act() == Activation.IDENTITY && t.dropout() == null) {
                t = new PlanStep.Tail(t.scale(), t.bias(), t.residual(), act, null);
            } else if (next.op() instanceof Op.Dropout d && t.dropout() == null) {
                t = new PlanStep.Tail(t.scale(), t.bias(), t.residual(), t.act(), dropout(next, d));
            } else {
                break;
            }
            emitted.add(next);
            covered.add(next.name());
            cur = next.output();
        }
        last[0] = cur;
        return t;
    }

    /**
     * A residual operand can join the epilogue when it is computed already (a once tensor always
     * is, for a sampled step: it is replicated at the start of every chunk) and shaped like the sum.
     */
    private boolean residualReady(String other, boolean phase, String cur) {
        if (graph.isInitializer(other) || !graph.shape(other).equals(graph.shape(cur))) return false;
        if (isSampled(other)) return phase && sampled.containsKey(other);
        return once.containsKey(other);
    }

    private void compileConv(Node n, Op.Conv c, boolean phase) {
        TensorShape in = graph.shape(n.input(0));
        Initializer w = graph.initializer(n.input(1));
        ConvGeometry g = new ConvGeometry(in.channels(), in.height(), in.width(), w.dim(0),
                window(new Op.Size2(w.dim(2), w.dim(3)), c.strides(), c.pads(), c.dilations()), c.group());
        PlanTensor x = tensor(n.input(0), phase);
        Buffer bias = n.inputs().size() > 2 ? upload(graph.initializer(n.input(2))) : null;
        List<String> covered = new ArrayList<>(List.of(n.name()));
        String[] last = {n.output()};
        PlanStep.Tail tail = absorbTail(n, x, phase, new PlanStep.Tail(null, bias, null, Activation.IDENTITY, null), covered, last, true);
        PoolGeometry pool = null;
        PlanTensor unpooled = null;
        Node next = soleConsumer(last[0], phase);
        if (tail.simple() && next != null && poolOf(next) instanceof PoolGeometry p && p.isSimple()) {
            pool = p;
            unpooled = new PlanTensor(last[0] + " (unpooled)", g.outChannels(), g.outPlane(), phase);
            emitted.add(next);
            covered.add(next.name());
            last[0] = next.output();
        }
        long scratch = backend.conv2dNeedsScratch() ? (long) g.patchSize() * g.outPlane() : 0;
        emit(phase, new PlanStep.Conv(covered, x, define(last[0], phase), g, upload(w), tail, pool, unpooled, scratch));
    }

    private PoolGeometry poolOf(Node n) {
        return switch (n.op()) {
            case Op.MaxPool p -> new PoolGeometry(PoolGeometry.PoolKind.MAX, inH(n), inW(n),
                    window(p.kernel(), p.strides(), p.pads(), p.dilations()), p.ceilMode(), false);
            case Op.AveragePool p -> new PoolGeometry(PoolGeometry.PoolKind.AVERAGE, inH(n), inW(n),
                    window(p.kernel(), p.strides(), p.pads(), Op.Size2.ONE), p.ceilMode(), p.countIncludePad());
            default -> null;
        };
    }

    private void compileGemm(Node n, boolean phase, Buffer weight, Buffer bias) {
        PlanTensor x = tensor(n.input(0), phase);
        if (x.plane != 1) throw refuse(n, "input " + n.input(0) + " is not a feature vector");
        List<String> covered = new ArrayList<>(List.of(n.name()));
        String[] last = {n.output()};
        PlanStep.Tail tail = absorbTail(n, x, phase, new PlanStep.Tail(null, bias, null, Activation.IDENTITY, null), covered, last, true);
        emit(phase, new PlanStep.Gemm(covered, x, define(last[0], phase), weight, tail));
    }

    /** In place on the input (after a copy when the input is still needed elsewhere, or is the graph's input or a replica). */
    private void compilePointwise(Node n, boolean phase, PlanStep.Tail first) {
        PlanTensor x = tensor(n.input(0), phase);
        List<String> covered = new ArrayList<>(List.of(n.name()));
        String[] last = {n.output()};
        PlanStep.Tail tail = absorbTail(n, x, phase, first, covered, last, false);
        boolean exclusive = x != input && !expandedSources.contains(x) && soleReader(x, n);
        if (!exclusive) {
            PlanTensor copy = new PlanTensor(n.output(), x.channels, x.plane, phase);
            emit(phase, new PlanStep.Copy(List.of(), x, copy));
            x = copy;
        }
        emit(phase, new PlanStep.Pointwise(covered, x, tail));
        alias(last[0], x);
    }

    /** Whether {@code n} is the only reader of every graph name {@code x} holds (so it may change x in place). */
    private boolean soleReader(PlanTensor x, Node n) {
        for (String name : namesOf.getOrDefault(x, List.of())) {
            if (graph.outputs().contains(name)) return false;
            for (Node c : graph.consumers(name)) if (c != n && needed.contains(c.name())) return false;
        }
        return true;
    }

    /** The first dropout after the once-per-image part: mask while replicating, and pool in the same pass if a pool follows. */
    private boolean compileExpandDropout(Node n, Op.Dropout d) {
        String src = n.input(0);
        if (isSampled(src) || sampled.containsKey(src)) return false;
        for (Node c : graph.consumers(src)) if (c != n && needed.contains(c.name()) && isSampled(c)) return false;
        PlanTensor from = tensor(src, false);
        List<String> covered = new ArrayList<>(List.of(n.name()));
        String out = n.output();
        PoolGeometry pool = null;
        PlanTensor via = null;
        Node next = soleConsumer(out, true);
        if (next != null && poolOf(next) instanceof PoolGeometry p && p.isSimple()) {
            pool = p;
            via = new PlanTensor(out + " (unpooled)", from.channels, from.plane, true);
            emitted.add(next);
            covered.add(next.name());
            out = next.output();
        }
        expandSteps.add(new PlanStep.Expand(covered, from, define(out, true), dropout(n, d), pool, via));
        expandedSources.add(from);
        return true;
    }

    private void pool(Node n, boolean phase, PoolGeometry g) {
        emit(phase, new PlanStep.Pool(List.of(n.name()), tensor(n.input(0), phase), define(n.output(), phase), g));
    }

    private void reshape(Node n, boolean phase) {
        PlanTensor x = tensor(n.input(0), phase);
        if (x.plane == 1) alias(n.output(), x); // [C,1,1] → [C]: the same values in the same places
        else emit(phase, new PlanStep.Flatten(List.of(n.name()), x, define(n.output(), phase)));
    }

    private void binary(Node n, boolean phase, BinaryOp op) {
        TensorShape out = graph.shape(n.output());
        emit(phase, new PlanStep.Binary(List.of(n.name()), op, operand(n, 0, out, phase), operand(n, 1, out, phase), define(n.output(), phase)));
    }

    private PlanStep.Operand operand(Node n, int i, TensorShape out, boolean phase) {
        String name = n.input(i);
        if (!graph.isInitializer(name)) {
            TensorShape s = graph.shape(name);
            if (s.equals(out) || (s.channels() == out.channels() && s.plane() == 1 && s.rank() == out.rank())) return PlanStep.Operand.of(tensor(name, phase));
            throw refuse(n, "input " + name + " " + s + " broadcasts to " + out + " in a way the engine does not run (equal shapes, or [C,1,1] over [C,H,W])");
        }
        Initializer c = graph.initializer(name);
        int[] d = c.dims();
        int rank = out.rank();
        int[] aligned = new int[rank]; // the constant's dims right-aligned to the per-image dims (a leading batch 1 dropped)
        java.util.Arrays.fill(aligned, 1);
        for (int k = 0; k < Math.min(rank, d.length); k++) aligned[rank - 1 - k] = d[d.length - 1 - k];
        int channels = aligned[0];
        int plane = rank == 3 ? aligned[1] * aligned[2] : 1;
        boolean planeFull = rank == 1 || (aligned[1] == out.height() && aligned[2] == out.width());
        if (rank == 3 && plane != 1 && !planeFull) throw refuse(n, "constant " + name + " broadcasts along one axis of the plane; the engine does not run that");
        Broadcast how = new Broadcast(channels == 1 ? 0 : plane, 0, plane == 1 ? 0 : 1);
        return PlanStep.Operand.constant(upload(c), how);
    }

    private Buffer gemmWeight(Node n, boolean transB, double alpha) {
        Initializer b = graph.initializer(n.input(1));
        int rows = b.dim(0), cols = b.dim(1);   // transB: [M][K]; else [K][M]
        int m = transB ? rows : cols, k = transB ? cols : rows;
        float[] w = new float[Math.multiplyExact(m, k)];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < k; j++) w[i * k + j] = (float) (alpha * b.get(transB ? i * k + j : j * m + i));
        return upload(w);
    }

    private Buffer gemmBias(Node n, Op.Gemm g) {
        if (n.inputs().size() < 3 || g.beta() == 0) return null;
        Initializer c = graph.initializer(n.input(2));
        int m = (int) graph.shape(n.output()).elements();
        float[] bias = new float[m];
        for (int i = 0; i < m; i++) bias[i] = (float) (g.beta() * c.get(c.length() == 1 ? 0 : i));
        return upload(bias);
    }

    private Buffer upload(Initializer i) {
        if (i.values() instanceof Initializer.Floats f) return upload(f.data());
        return upload(i.toDoubles());
    }

    private Buffer upload(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return upload(f);
    }

    private Buffer upload(float[] data) {
        Buffer b = backend.allocate(Math.max(1, data.length));
        owned.add(b);
        backend.upload(data, 0, b, 0, data.length);
        return b;
    }
}
