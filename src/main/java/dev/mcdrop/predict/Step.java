package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Shape;

/**
 * One backend call sequence of a compiled network. Conv and dense steps absorb the ReLU and
 * dropout that follow them (bias + activation + mask in one pass over memory). {@code dropLayer}
 * is the dropout layer's index in the network, part of the mask's Philox counter.
 */
sealed interface Step {
    Shape in();

    Shape out();

    /** True if the step writes its output over its input. */
    default boolean inPlace() { return false; }

    /** Extra scratch elements per column (the im2col matrix). */
    default long scratchPerColumn() { return 0; }

    /** Elements per column of the largest buffer the step writes or reads. */
    default long maxElements() { return Math.max(in().elements(), out().elements()); }

    /**
     * Convolution + bias + activation + mask; {@code pool}, when not null, is the pooling layer
     * right after them, fused ({@link dev.mcdrop.backend.Backend#biasActivationPool}); {@code out}
     * is then the pooled shape, and the result lands back in the step's input buffer.
     */
    record Conv(Shape in, Shape out, ConvGeometry geometry, Buffer weight, Buffer bias,
                Activation act, Layer.Dropout drop, int dropLayer, PoolGeometry pool) implements Step {
        @Override public long scratchPerColumn() { return (long) geometry.patchSize() * geometry.outPlane(); }

        @Override public boolean inPlace() { return pool != null; }

        @Override public long maxElements() {
            return Math.max(Step.super.maxElements(), (long) geometry.outChannels() * geometry.outPlane());
        }
    }

    record Dense(Shape in, Shape out, Buffer weight, Buffer bias, Activation act, Layer.Dropout drop, int dropLayer)
            implements Step {}

    record Pool(Shape in, Shape out, PoolGeometry geometry) implements Step {}

    /** PyTorch flatten from [C][N][H·W] to [C·H·W][N]; the identity when H·W = 1. */
    record Flatten(Shape in, Shape out) implements Step {
        @Override public boolean inPlace() { return in.plane() == 1; }
    }

    /** A ReLU and/or dropout that no conv or dense layer absorbed. */
    record Pointwise(Shape in, Shape out, Activation act, Layer.Dropout drop, int dropLayer) implements Step {
        @Override public boolean inPlace() { return true; }
    }

    /**
     * The first dropout: replicates the once-per-image prefix into the T samples while masking.
     * {@code pool}, when not null, is the pooling layer right after it, fused
     * ({@link dev.mcdrop.backend.Backend#expandDropoutPool}); {@code out} is then the pooled shape.
     */
    record Expand(Shape in, Shape out, Layer.Dropout drop, int dropLayer, PoolGeometry pool) implements Step {}
}
