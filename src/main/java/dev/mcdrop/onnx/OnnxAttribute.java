package dev.mcdrop.onnx;

import java.util.List;

/**
 * One attribute of a node (AttributeProto), by type. Values of the types mcdrop uses are read;
 * the rest are {@link Skipped}. Arrays are copied in and out, so the records stay immutable.
 * Callers usually go through {@link OnnxNode}'s typed getters, which name the node and the
 * attribute when the type is wrong.
 */
public sealed interface OnnxAttribute {

    /** The attribute's name (unique within its node). */
    String name();

    /** Its type as the file declares it (or as inferred for IR version 1, which had no type field). */
    AttributeType type();

    /** Where it was read, for errors. */
    Origin origin();

    record FloatAttr(String name, float value, Origin origin) implements OnnxAttribute {
        @Override public AttributeType type() { return AttributeType.FLOAT; }
    }

    record IntAttr(String name, long value, Origin origin) implements OnnxAttribute {
        @Override public AttributeType type() { return AttributeType.INT; }
    }

    record StringAttr(String name, String value, Origin origin) implements OnnxAttribute {
        @Override public AttributeType type() { return AttributeType.STRING; }
    }

    record TensorAttr(String name, OnnxTensor value, Origin origin) implements OnnxAttribute {
        @Override public AttributeType type() { return AttributeType.TENSOR; }
    }

    record FloatsAttr(String name, float[] values, Origin origin) implements OnnxAttribute {
        public FloatsAttr {
            values = values.clone();
        }

        @Override public float[] values() { return values.clone(); }

        @Override public AttributeType type() { return AttributeType.FLOATS; }
    }

    record IntsAttr(String name, long[] values, Origin origin) implements OnnxAttribute {
        public IntsAttr {
            values = values.clone();
        }

        @Override public long[] values() { return values.clone(); }

        @Override public AttributeType type() { return AttributeType.INTS; }
    }

    record StringsAttr(String name, List<String> values, Origin origin) implements OnnxAttribute {
        public StringsAttr {
            values = List.copyOf(values);
        }

        @Override public AttributeType type() { return AttributeType.STRINGS; }
    }

    /** An attribute whose value mcdrop does not read (GRAPH, GRAPHS, TENSORS, SPARSE_TENSOR(S), TYPE_PROTO(S)). */
    record Skipped(String name, AttributeType type, Origin origin) implements OnnxAttribute { }
}
