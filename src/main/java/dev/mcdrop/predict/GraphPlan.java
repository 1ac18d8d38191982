package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.Epilogue;
import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.graph.Folding;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.io.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link GraphModel} compiled for one backend, weights uploaded once: batch norms folded, nodes
 * fused into steps by named patterns ({@link GraphCompiler}), and activations given slots
 * ({@link SlotAllocator}). Two phases, the prefix-once rule on a DAG (docs/GRAPH.md):
 * <ol>
 * <li>{@link #once}: nodes no dropout reaches, once per image on B columns;</li>
 * <li>{@link #expand} then {@link #sampled}: per chunk of S (sample, image) columns, the once
 *     tensors that sampled nodes read are replicated (masked, and pooled, when a dropout reads them),
 *     then every node a dropout reaches runs.</li>
 * </ol>
 * Without dropout everything is once and MC prediction is the standard prediction. {@link #describe}
 * is the plan {@code info} prints.
 */
final class GraphPlan implements AutoCloseable {
    final GraphModel model;
    final List<PlanStep> once, expand, sampled;
    final PlanTensor input, logits;
    /** Elements per column of each slot of the once and sampled arenas. */
    final long[] onceSlots, sampledSlots;
    final long onceScratch, sampledScratch, onceOwnBytes, sampledOwnBytes;
    private final Backend backend;
    private final List<Buffer> owned = new ArrayList<>();
    private final Buffer zeroBias;

    GraphPlan(Backend backend, GraphModel model) {
        this.backend = backend;
        this.model = model;
        try {
            GraphCompiler c = new GraphCompiler(backend, Folding.foldBatchNorm(model.graph()), owned);
            once = List.copyOf(c.onceSteps);
            expand = List.copyOf(c.expandSteps);
            sampled = List.copyOf(c.sampledSteps);
            input = c.input;
            logits = c.logits;
            Set<PlanTensor> oncePinned = Collections.newSetFromMap(new IdentityHashMap<>());
            oncePinned.add(input);
            oncePinned.addAll(c.expandedSources);
            oncePinned.add(logits);
            onceSlots = SlotAllocator.allocate(once, List.of(input), oncePinned);
            List<PlanStep> perChunk = new ArrayList<>(expand);
            perChunk.addAll(sampled);
            sampledSlots = SlotAllocator.allocate(perChunk, List.of(), Set.of(logits));
            onceScratch = maxScratch(once);
            sampledScratch = maxScratch(sampled);
            onceOwnBytes = ownBytes(once);
            sampledOwnBytes = ownBytes(sampled);
            long channels = 1;
            for (PlanStep s : perChunk) for (PlanTensor t : s.writes()) channels = Math.max(channels, t.channels);
            for (PlanStep s : once) for (PlanTensor t : s.writes()) channels = Math.max(channels, t.channels);
            zeroBias = backend.allocate(channels);
            owned.add(zeroBias);
            backend.zero(zeroBias, 0, channels);
        } catch (RuntimeException | OutOfMemoryError e) { // e.g. out of device memory uploading weights: free what was uploaded
            close();
            throw e;
        }
    }

    /** Whether a dropout reaches the output (else every node runs once per image). */
    boolean stochastic() { return !expand.isEmpty() || !sampled.isEmpty(); }

    private static long maxScratch(List<PlanStep> steps) {
        long m = 0;
        for (PlanStep s : steps) m = Math.max(m, s instanceof PlanStep.Conv c ? c.scratchPerColumn() : 0);
        return m;
    }

    private long ownBytes(List<PlanStep> steps) {
        long m = 0;
        for (PlanStep s : steps) if (s instanceof PlanStep.Conv c) m = Math.max(m, backend.conv2dOwnBytesPerColumn(c.geometry()));
        return m;
    }

    /** Multiply-adds per column of {@code steps}' convolutions and GEMMs. */
    long multiplyAdds(List<PlanStep> steps) {
        long macs = 0;
        for (PlanStep s : steps) {
            if (s instanceof PlanStep.Conv c) macs += c.geometry().macsPerImage();
            if (s instanceof PlanStep.Gemm g) macs += (long) g.in().channels * g.out().channels;
        }
        return macs;
    }

    static long sum(long[] slots) {
        long s = 0;
        for (long v : slots) s += v;
        return s;
    }

    /** Runs the once-per-image steps on {@code images} columns (the input already in its slot). */
    void runOnce(Buffer[] arena, Buffer scratch, int images, Pairs pairs) {
        for (PlanStep s : once) run(s, arena, null, scratch, images, pairs, null, false);
    }

    /**
     * Runs one chunk: replicates what the sampled part reads from {@code onceArena}, then the sampled
     * steps, on {@code columns} columns; {@code stochastic} false is the standard pass (dropout as the
     * identity). Masks are drawn from {@code seed} and the batch's image {@code keys}.
     */
    void runChunk(Buffer[] onceArena, Buffer[] arena, Buffer scratch, int columns, Pairs pairs, long seed, Buffer keys,
                  boolean stochastic) {
        Masks masks = new Masks(seed, keys, stochastic);
        for (PlanStep s : expand) run(s, arena, onceArena, scratch, columns, pairs, masks, stochastic);
        for (PlanStep s : sampled) run(s, arena, null, scratch, columns, pairs, masks, stochastic);
    }

    private record Masks(long seed, Buffer keys, boolean stochastic) {
        MaskSpec of(PlanStep.Dropout d, Pairs pairs) {
            if (d == null || !stochastic) return null;
            return new MaskSpec(seed, d.maskIndex(), d.p(), d.perChannel(), pairs, keys);
        }
    }

    private void run(PlanStep step, Buffer[] a, Buffer[] onceArena, Buffer scratch, int columns, Pairs pairs, Masks masks,
                     boolean stochastic) {
        switch (step) {
            case PlanStep.Conv c -> {
                var g = c.geometry();
                Buffer target = a[(c.pool() == null ? c.out() : c.unpooled()).slot];
                backend.conv2d(a[c.in().slot], 0, g, columns, c.weight(), scratch, target, 0); // [Cout][N·P] = W · im2col(in)
                if (c.pool() == null) {
                    tail(target, g.outChannels(), columns, g.outPlane(), c.tail(), a, pairs, masks);
                } else {
                    PlanStep.Tail t = c.tail();
                    backend.biasActivationPool(target, 0, t.bias() == null ? zeroBias : t.bias(), g.outChannels(), columns, c.pool(),
                            t.act(), masks == null ? null : masks.of(t.dropout(), pairs), a[c.out().slot], 0);
                }
            }
            case PlanStep.Gemm m -> {
                int in = m.in().channels, out = m.out().channels;
                backend.gemm(false, false, out, columns, in, m.weight(), 0, a[m.in().slot], 0, 0f, a[m.out().slot], 0); // [M][N]
                tail(a[m.out().slot], out, columns, 1, m.tail(), a, pairs, masks);
            }
            case PlanStep.Pointwise p -> tail(a[p.x().slot], p.x().channels, columns, p.x().plane, p.tail(), a, pairs, masks);
            case PlanStep.Pool p -> backend.pool(a[p.in().slot], 0, p.geometry(), p.in().channels * columns, a[p.out().slot], 0);
            case PlanStep.Flatten f -> backend.flatten(a[f.in().slot], 0, f.in().channels, columns, f.in().plane, a[f.out().slot], 0);
            case PlanStep.Copy c -> backend.copy(a[c.in().slot], 0, a[c.out().slot], 0, c.in().elements(columns));
            case PlanStep.Binary b -> {
                PlanTensor o = b.out();
                backend.binary(b.op(), operand(b.a(), a), b.a().broadcast(columns, o.plane), operand(b.b(), a),
                        b.b().broadcast(columns, o.plane), o.channels, columns, o.plane, a[o.slot]);
            }
            case PlanStep.Concat c -> {
                long offset = 0;
                for (PlanTensor in : c.ins()) {
                    backend.copy(a[in.slot], 0, a[c.out().slot], offset, in.elements(columns));
                    offset += in.elements(columns);
                }
            }
            case PlanStep.Softmax s -> backend.softmax(a[s.in().slot], 0, s.in().channels, columns, a[s.out().slot], 0);
            case PlanStep.Expand x -> {
                PlanStep.Dropout d = x.dropout();
                // the standard pass and plain replicas copy through a mask that keeps everything (p = 0)
                MaskSpec mask = d != null && stochastic ? masks.of(d, pairs)
                        : new MaskSpec(masks.seed(), d == null ? 0 : d.maskIndex(), 0f, false, pairs, masks.keys());
                PlanTensor src = x.src();
                if (x.pool() == null) {
                    backend.expandDropout(onceArena[src.slot], 0, a[x.dst().slot], 0, src.channels, columns, src.plane, mask);
                } else {
                    backend.expandDropoutPool(onceArena[src.slot], 0, src.channels, columns, x.pool(), mask, a[x.via().slot],
                            a[x.dst().slot], 0);
                }
            }
        }
    }

    private static Buffer operand(PlanStep.Operand o, Buffer[] a) { return o.tensor() == null ? o.constant() : a[o.tensor().slot]; }

    /** A tail as the chain ran it (biasActivation) where it can say it, else the general epilogue. */
    private void tail(Buffer x, int channels, int columns, int plane, PlanStep.Tail t, Buffer[] a, Pairs pairs, Masks masks) {
        MaskSpec mask = masks == null ? null : masks.of(t.dropout(), pairs);
        if (t.simple()) {
            if (t.bias() == null && t.act() == Activation.IDENTITY && mask == null) return;
            backend.biasActivation(x, 0, t.bias() == null ? zeroBias : t.bias(), channels, columns, plane, t.act(), mask);
        } else {
            backend.epilogue(x, channels, columns, plane,
                    new Epilogue(t.scale(), t.bias(), t.residual() == null ? null : a[t.residual().slot], t.act(), mask));
        }
    }

    /** The compiled plan, one step per line with its fusion pattern and the nodes it runs: what {@code info} prints. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "once per image: %d step%s, %d slot%s (%d values per image)%n", once.size(),
                once.size() == 1 ? "" : "s", onceSlots.length, onceSlots.length == 1 ? "" : "s", sum(onceSlots)));
        for (PlanStep s : once) line(sb, s);
        if (stochastic()) {
            sb.append(String.format(Locale.ROOT, "every sample: %d step%s, %d slot%s (%d values per sample)%n", expand.size() + sampled.size(),
                    expand.size() + sampled.size() == 1 ? "" : "s", sampledSlots.length, sampledSlots.length == 1 ? "" : "s", sum(sampledSlots)));
            for (PlanStep s : expand) line(sb, s);
            for (PlanStep s : sampled) line(sb, s);
        } else {
            sb.append("no dropout reaches the output: MC prediction is the standard prediction\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, PlanStep s) {
        sb.append("  ").append(s.pattern());
        List<String> nodes = s.nodes();
        if (s instanceof PlanStep.Expand x && nodes.isEmpty()) sb.append(' ').append(Names.quote(x.src().name));
        else if (!nodes.isEmpty()) sb.append(' ').append(Names.list(nodes, 6));
        for (PlanTensor t : s.writes()) sb.append(" -> ").append(t.channels).append(t.plane == 1 ? "" : "x" + t.plane);
        if (s.dropout() != null) sb.append(", ").append(s.dropout());
        sb.append('\n');
    }

    @Override
    public void close() {
        for (Buffer b : owned) b.close();
        owned.clear();
    }
}
