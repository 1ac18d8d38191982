package dev.mcdrop.onnx;

import dev.mcdrop.io.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of the graph (NodeProto), with its attributes by name and typed getters for them. A
 * getter names the node and the attribute when the attribute is missing (the forms without a
 * default) or of another type:
 * {@code net.onnx: graph.node[12] 'conv1' (Conv): attribute 'pads' is INT, expected INTS}.
 *
 * @param index      position in graph.node (ONNX requires topological order; not checked here)
 * @param name       the node's name ("" when the file gives none; names need not be unique)
 * @param opType     the operator, e.g. "Conv"
 * @param domain     the operator set domain ("" = default ONNX)
 * @param inputs     input value names in order; "" marks an omitted optional input
 * @param outputs    output value names in order; "" marks an omitted optional output
 * @param attributes attributes by name, in file order
 * @param origin     where it was read
 */
public record OnnxNode(int index, String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes, Origin origin) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    /** The attribute {@code name}, if the node has it. */
    public Optional<OnnxAttribute> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** Whether the node has attribute {@code name}. */
    public boolean has(String name) {
        return attributes.containsKey(name);
    }

    /** An error about this node: {@code file: graph.node[i] 'name' (Op): detail}. */
    public OnnxFormatException error(String detail) {
        return origin.error(detail);
    }

    public float getFloat(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.FloatAttr.class, AttributeType.FLOAT).value();
    }

    public float getFloat(String name, float otherwise) throws OnnxFormatException {
        return has(name) ? getFloat(name) : otherwise;
    }

    public long getInt(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.IntAttr.class, AttributeType.INT).value();
    }

    public long getInt(String name, long otherwise) throws OnnxFormatException {
        return has(name) ? getInt(name) : otherwise;
    }

    public String getString(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.StringAttr.class, AttributeType.STRING).value();
    }

    public String getString(String name, String otherwise) throws OnnxFormatException {
        return has(name) ? getString(name) : otherwise;
    }

    public OnnxTensor getTensor(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.TensorAttr.class, AttributeType.TENSOR).value();
    }

    public float[] getFloats(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.FloatsAttr.class, AttributeType.FLOATS).values();
    }

    public float[] getFloats(String name, float[] otherwise) throws OnnxFormatException {
        return has(name) ? getFloats(name) : otherwise;
    }

    public long[] getInts(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.IntsAttr.class, AttributeType.INTS).values();
    }

    public long[] getInts(String name, long[] otherwise) throws OnnxFormatException {
        return has(name) ? getInts(name) : otherwise;
    }

    public List<String> getStrings(String name) throws OnnxFormatException {
        return get(name, OnnxAttribute.StringsAttr.class, AttributeType.STRINGS).values();
    }

    public List<String> getStrings(String name, List<String> otherwise) throws OnnxFormatException {
        return has(name) ? getStrings(name) : otherwise;
    }

    private <A extends OnnxAttribute> A get(String name, Class<A> kind, AttributeType expected) throws OnnxFormatException {
        OnnxAttribute a = attributes.get(name);
        if (a == null) throw origin.error("has no attribute " + Names.quote(name) + " (" + expected + " expected)");
        if (kind.isInstance(a)) return kind.cast(a);
        String what = "attribute " + Names.quote(name) + " is ";
        if (a instanceof OnnxAttribute.Skipped s) {
            throw origin.error(what + s.type() + (s.type() == AttributeType.GRAPH || s.type() == AttributeType.GRAPHS
                    ? " (a subgraph); mcdrop does not read subgraphs" : ", whose value mcdrop does not read") + "; expected " + expected);
        }
        throw origin.error(what + a.type() + ", expected " + expected);
    }
}
