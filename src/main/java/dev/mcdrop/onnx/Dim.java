package dev.mcdrop.onnx;

/**
 * One dimension of a declared shape (TensorShapeProto.Dimension): a number, a symbolic name such
 * as "batch", or neither (unknown).
 */
public sealed interface Dim {

    /** A fixed size, at least 0. */
    record Value(long value) implements Dim { }

    /** A symbolic size ("N", "batch_size"): any size, the same wherever the name recurs. */
    record Param(String name) implements Dim { }

    /** Neither dim_value nor dim_param given. */
    record Unknown() implements Dim { }
}
