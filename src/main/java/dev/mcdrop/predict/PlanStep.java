package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import java.util.ArrayList;
import java.util.List;

/**
 * One backend call sequence of a compiled graph ({@link GraphPlan}). Each step names the fusion
 * pattern that produced it ({@link #pattern()}) and the graph nodes it covers, for {@code info};
 * {@link #reads()}, {@link #writes()} and {@link #temps()} tell {@link SlotAllocator} which
 * activations must be live while it runs.
 */
sealed interface PlanStep {
    /** The fusion pattern's name ("conv+bias+relu+dropout+pool", "expand+dropout", …). */
    String pattern();

    /** The graph nodes the step runs, in order. */
    List<String> nodes();

    List<PlanTensor> reads();

    List<PlanTensor> writes();

    /** Activations the step needs only while it runs (an unpooled convolution output). */
    default List<PlanTensor> temps() { return List.of(); }

    /** Whether the step's outputs may take the slots of inputs it reads for the last time (it reads them all before writing). */
    default boolean readsBeforeWriting() { return false; }

    /** Im2col scratch elements per column the step needs (0 when the backend forms panels itself). */
    default long scratchPerColumn() { return 0; }

    /** The dropout the step applies, or null. */
    default Dropout dropout() { return null; }

    /** Which mask a dropout draws: the graph's mask index (Philox counter word), rate, per channel or per element. */
    record Dropout(String node, int maskIndex, float p, boolean perChannel) {
        @Override public String toString() { return "dropout " + p + (perChannel ? " per channel" : "") + " [mask " + maskIndex + "]"; }
    }

    /**
     * What follows a GEMM in the same pass over memory: {@code mask(act(x·scale + bias + residual))}.
     * Uses the backend's biasActivation (or biasActivationPool) when scale and residual are absent and
     * the activation is the identity or ReLU, as the chain engine did; else the general epilogue.
     */
    record Tail(Buffer scale, Buffer bias, PlanTensor residual, Activation act, Dropout dropout) {
        static final Tail NONE = new Tail(null, null, null, Activation.IDENTITY, null);

        boolean simple() { return scale == null && residual == null && (act == Activation.IDENTITY || act == Activation.RELU); }

        String describe() {
            StringBuilder sb = new StringBuilder();
            if (scale != null) sb.append("+scale");
            if (bias != null) sb.append("+bias");
            if (residual != null) sb.append("+residual");
            if (act != Activation.IDENTITY) sb.append('+').append(act.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (dropout != null) sb.append("+dropout");
            return sb.toString();
        }
    }

    /** Convolution, its tail, and optionally a pooling right after (then {@code unpooled} is a temporary). */
    record Conv(List<String> nodes, PlanTensor in, PlanTensor out, ConvGeometry geometry, Buffer weight, Tail tail,
                PoolGeometry pool, PlanTensor unpooled, long scratchPerColumn) implements PlanStep {
        @Override public String pattern() { return "conv" + tail.describe() + (pool == null ? "" : "+pool"); }

        @Override public Dropout dropout() { return tail.dropout(); }

        @Override public List<PlanTensor> reads() { return tail.residual() == null ? List.of(in) : List.of(in, tail.residual()); }

        @Override public List<PlanTensor> writes() { return List.of(out); }

        @Override public List<PlanTensor> temps() { return pool == null ? List.of() : List.of(unpooled); }

        @Override public boolean readsBeforeWriting() { return pool != null; }
    }

    /** out[M][N] = W[M][K] · in[K][N], then the tail. */
    record Gemm(List<String> nodes, PlanTensor in, PlanTensor out, Buffer weight, Tail tail) implements PlanStep {
        @Override public String pattern() { return "gemm" + tail.describe(); }

        @Override public Dropout dropout() { return tail.dropout(); }

        @Override public List<PlanTensor> reads() { return tail.residual() == null ? List.of(in) : List.of(in, tail.residual()); }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** A tail with no GEMM before it, in place on {@code x} (an activation, a batch norm's affine, a dropout). */
    record Pointwise(List<String> nodes, PlanTensor x, Tail tail) implements PlanStep {
        @Override public String pattern() { return "pointwise" + tail.describe(); }

        @Override public Dropout dropout() { return tail.dropout(); }

        @Override public List<PlanTensor> reads() { return tail.residual() == null ? List.of(x) : List.of(x, tail.residual()); }

        @Override public List<PlanTensor> writes() { return List.of(x); }
    }

    record Pool(List<String> nodes, PlanTensor in, PlanTensor out, PoolGeometry geometry) implements PlanStep {
        @Override public String pattern() { return geometry.isGlobal() ? "global-pool" : "pool"; }

        @Override public List<PlanTensor> reads() { return List.of(in); }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** [C][N][plane] → [C·plane][N] (PyTorch's flatten order). */
    record Flatten(List<String> nodes, PlanTensor in, PlanTensor out) implements PlanStep {
        @Override public String pattern() { return "flatten"; }

        @Override public List<PlanTensor> reads() { return List.of(in); }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** A copy of a tensor that an in-place step is about to change while something else still reads it. */
    record Copy(List<String> nodes, PlanTensor in, PlanTensor out) implements PlanStep {
        @Override public String pattern() { return "copy"; }

        @Override public List<PlanTensor> reads() { return List.of(in); }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** One operand of a {@link Binary}: a computed tensor (dense, or [C,1,1] per column) or a constant on the backend. */
    record Operand(PlanTensor tensor, Buffer constant, Broadcast constantBroadcast) {
        static Operand of(PlanTensor t) { return new Operand(t, null, null); }

        static Operand constant(Buffer b, Broadcast how) { return new Operand(null, b, how); }

        /** How the operand is read for an output of {@code [channels][columns][plane]}. */
        Broadcast broadcast(int columns, int plane) {
            if (tensor == null) return constantBroadcast;
            return tensor.plane == plane ? Broadcast.dense(columns, plane) : Broadcast.perChannelPerColumn(columns);
        }
    }

    record Binary(List<String> nodes, BinaryOp op, Operand a, Operand b, PlanTensor out) implements PlanStep {
        @Override public String pattern() { return op.name().toLowerCase(java.util.Locale.ROOT); }

        @Override public List<PlanTensor> reads() {
            List<PlanTensor> r = new ArrayList<>(2);
            if (a.tensor() != null) r.add(a.tensor());
            if (b.tensor() != null) r.add(b.tensor());
            return r;
        }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** Channel (or feature) concatenation: each input is one contiguous block of the output. */
    record Concat(List<String> nodes, List<PlanTensor> ins, PlanTensor out) implements PlanStep {
        @Override public String pattern() { return "concat"; }

        @Override public List<PlanTensor> reads() { return ins; }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /** Column-wise softmax over a feature vector inside the graph. */
    record Softmax(List<String> nodes, PlanTensor in, PlanTensor out) implements PlanStep {
        @Override public String pattern() { return "softmax"; }

        @Override public List<PlanTensor> reads() { return List.of(in); }

        @Override public List<PlanTensor> writes() { return List.of(out); }
    }

    /**
     * A once-per-image tensor replicated into the chunk's (sample, image) columns: masked when a
     * Dropout reads it (the chain's first dropout), pooled too when a pool follows that dropout
     * ({@code via} is then a temporary of the unpooled size), plainly copied otherwise.
     */
    record Expand(List<String> nodes, PlanTensor src, PlanTensor dst, Dropout dropout, PoolGeometry pool, PlanTensor via)
            implements PlanStep {
        @Override public String pattern() { return "expand" + (dropout == null ? "" : "+dropout") + (pool == null ? "" : "+pool"); }

        @Override public List<PlanTensor> reads() { return List.of(); } // src lives in the once arena, all chunk long

        @Override public List<PlanTensor> writes() { return List.of(dst); }

        @Override public List<PlanTensor> temps() { return via == null ? List.of() : List.of(via); }
    }
}
