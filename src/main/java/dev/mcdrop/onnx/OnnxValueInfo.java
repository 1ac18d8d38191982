package dev.mcdrop.onnx;

import java.util.List;
import java.util.Optional;

/**
 * A declared value (ValueInfoProto): a graph input, output or intermediate value, with its type.
 *
 * @param name     the value's name
 * @param kind     what sort of value (TypeProto's oneof); mcdrop computes on {@link Kind#TENSOR}s
 * @param elemType the element type of a tensor or sparse tensor ({@link DataType#UNDEFINED} if not
 *                 given); null for the other kinds
 * @param shape    the declared shape of a tensor or sparse tensor; empty when no shape is given
 *                 (rank unknown), an empty list for a scalar
 * @param origin   where it was read
 */
public record OnnxValueInfo(String name, Kind kind, DataType elemType, Optional<List<Dim>> shape, Origin origin) {

    /** TypeProto's cases (field numbers in brackets). */
    public enum Kind {
        /** tensor_type [1]. */
        TENSOR,
        /** sequence_type [4]. */
        SEQUENCE,
        /** map_type [5]. */
        MAP,
        /** opaque_type [7]. */
        OPAQUE,
        /** sparse_tensor_type [8]. */
        SPARSE_TENSOR,
        /** optional_type [9]. */
        OPTIONAL,
        /** No type given, or a case newer than this reader. */
        UNKNOWN
    }

    public OnnxValueInfo {
        shape = shape.map(List::copyOf);
    }

    /** Whether this is a tensor whose every dimension is a number. */
    public boolean hasStaticShape() {
        return kind == Kind.TENSOR && shape.isPresent() && shape.get().stream().allMatch(d -> d instanceof Dim.Value);
    }

    /** The dimensions of a {@link #hasStaticShape static} shape. */
    public long[] staticDims() {
        if (!hasStaticShape()) throw new IllegalStateException(origin + ": shape is not static");
        return shape.get().stream().mapToLong(d -> ((Dim.Value) d).value()).toArray();
    }
}
