package dev.mcdrop.predict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every activation of one phase's steps a slot, reusing a slot once its tensor is read for
 * the last time (liveness over the step list, first fit by size), so a chain runs in two
 * ping-pong buffers as before and a residual network holds only what is live. A slot's size is the
 * largest tensor it ever holds, per column; the phase's arena is one backend buffer per slot of
 * {@code size × columns} elements. {@code pinned} tensors are never released (the graph input, the
 * once-per-image tensors the sampled part replicates, the output).
 */
final class SlotAllocator {
    private final List<Long> sizes = new ArrayList<>();
    private final List<Integer> free = new ArrayList<>();

    /** Assigns {@link PlanTensor#slot} for every tensor {@code steps} touch; {@code live} ones hold a slot from the start. */
    static long[] allocate(List<PlanStep> steps, List<PlanTensor> live, Set<PlanTensor> pinned) {
        SlotAllocator a = new SlotAllocator();
        Map<PlanTensor, Integer> lastRead = new IdentityHashMap<>();
        for (int i = 0; i < steps.size(); i++) for (PlanTensor t : steps.get(i).reads()) lastRead.put(t, i);
        for (PlanTensor t : live) if (t.slot < 0) a.take(t);
        for (int i = 0; i < steps.size(); i++) {
            PlanStep s = steps.get(i);
            for (PlanTensor t : s.temps()) a.take(t);
            if (s.readsBeforeWriting()) a.releaseDead(s.reads(), i, lastRead, pinned);
            for (PlanTensor t : s.writes()) if (t.slot < 0) a.take(t);
            for (PlanTensor t : s.temps()) a.release(t);
            if (!s.readsBeforeWriting()) a.releaseDead(s.reads(), i, lastRead, pinned);
            for (PlanTensor t : s.writes()) if (!lastRead.containsKey(t) && !pinned.contains(t)) a.release(t); // written, never read
        }
        long[] out = new long[a.sizes.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.sizes.get(i);
        return out;
    }

    private void releaseDead(List<PlanTensor> reads, int step, Map<PlanTensor, Integer> lastRead, Set<PlanTensor> pinned) {
        Map<Integer, Boolean> done = new HashMap<>();
        for (PlanTensor t : reads) {
            if (lastRead.get(t) == step && !pinned.contains(t) && done.put(t.slot, true) == null) release(t);
        }
    }

    private void take(PlanTensor t) {
        long need = t.perColumn();
        int best = -1;
        for (int idx = 0; idx < free.size(); idx++) { // smallest free slot that fits, else the largest free one (grown)
            int s = free.get(idx);
            if (best < 0) { best = idx; continue; }
            long cur = sizes.get(free.get(best)), cand = sizes.get(s);
            boolean curFits = cur >= need, candFits = cand >= need;
            if (candFits && (!curFits || cand < cur)) best = idx;
            else if (!candFits && !curFits && cand > cur) best = idx;
        }
        if (best < 0) {
            sizes.add(need);
            t.slot = sizes.size() - 1;
        } else {
            t.slot = free.remove(best);
            if (sizes.get(t.slot) < need) sizes.set(t.slot, need);
        }
    }

    private void release(PlanTensor t) {
        if (t.slot >= 0 && !free.contains(t.slot)) free.add(t.slot);
    }
}
