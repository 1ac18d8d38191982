package dev.mcdrop.onnx;

import dev.mcdrop.io.Names;
import dev.mcdrop.onnx.ProtoReader.Malformed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ModelProto and the messages under it, from the wire ({@link ProtoReader}) into this package's
 * records. Field numbers are those of onnx/onnx.proto (checked against ONNX 1.12 to 1.19):
 * <pre>
 * ModelProto         ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8,
 *                    metadata_props 14 (skipped: domain 4, model_version 5, doc_string 6,
 *                    training_info 20, functions 25, configuration 26)
 * OperatorSetIdProto domain 1, version 2
 * StringStringEntry  key 1, value 2
 * GraphProto         node 1, name 2, initializer 5, input 11, output 12, value_info 13;
 *                    sparse_initializer 15 refused (skipped: doc_string 10, quantization_annotation 14,
 *                    metadata_props 16)
 * NodeProto          input 1, output 2, name 3, op_type 4, attribute 5, domain 7 (skipped: doc_string 6,
 *                    overload 8, metadata_props 9, device_configurations 10)
 * AttributeProto     name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, tensors 10, graphs 11,
 *                    tp 14, type_protos 15, type 20, ref_attr_name 21 (refused: function bodies only),
 *                    sparse_tensor 22, sparse_tensors 23 (skipped: doc_string 13)
 * ValueInfoProto     name 1, type 2 (skipped: doc_string 3, metadata_props 4)
 * TypeProto          tensor_type 1, sequence_type 4, map_type 5, opaque_type 7, sparse_tensor_type 8,
 *                    optional_type 9 (skipped: denotation 6)
 * TypeProto.Tensor   elem_type 1, shape 2;  TensorShapeProto dim 1;
 * Dimension          dim_value 1, dim_param 2 (skipped: denotation 3)
 * </pre>
 * TensorProto is {@link TensorParser}'s. Scalars given twice take the last value (protobuf's rule);
 * a singular message given twice, which protobuf would merge and no ONNX writer produces, is
 * refused. Each message's parser turns wire errors into an {@link OnnxFormatException} at its own
 * {@link Origin}; names for those places are looked up first (a cheap second pass over the
 * message), so an error inside node 12's attribute names node 12 even when the file writes the
 * node's name after its attributes.
 */
final class OnnxParser {
    private final ReadContext ctx;

    OnnxParser(ReadContext ctx) {
        this.ctx = ctx;
    }

    OnnxModel model(ProtoReader r) throws OnnxFormatException {
        Origin o = Origin.root(ctx.file);
        long irVersion = 0;
        String producer = "", producerVersion = "";
        OnnxGraph graph = null;
        List<OpsetId> opsets = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> irVersion = r.int64("ir_version");
                    case 2 -> producer = r.string("producer_name");
                    case 3 -> producerVersion = r.string("producer_version");
                    case 7 -> {
                        if (graph != null) throw r.malformed("field 'graph' (7) appears twice");
                        graph = graph(r.message("graph"), o.child("graph"));
                    }
                    case 8 -> opsets.add(opset(r.message("opset_import"), o.element("opset_import", opsets.size(), null)));
                    case 14 -> entry(r.message("metadata_props"), o.element("metadata_props", metadata.size(), null), metadata);
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw o.error(e.getMessage());
        }
        if (graph == null) throw o.error("no graph (ModelProto field 7): not an ONNX model");
        if (irVersion < 1) throw o.error("ir_version " + irVersion + " (must be 1 or more): not an ONNX model");
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < opsets.size(); i++) {
            OpsetId op = opsets.get(i);
            String key = op.isDefaultDomain() ? "" : op.domain();
            Integer before = seen.putIfAbsent(key, i);
            if (before != null) {
                throw o.element("opset_import", i, null).error("domain " + Names.quote(op.domain())
                        + " is imported again (first at opset_import[" + before + "])");
            }
        }
        return new OnnxModel(ctx.file, irVersion, opsets, producer, producerVersion, graph, metadata);
    }

    private OpsetId opset(ProtoReader r, Origin o) throws OnnxFormatException {
        String domain = "";
        long version = 0;
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> domain = r.string("domain");
                    case 2 -> version = r.int64("version");
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw o.error(e.getMessage());
        }
        if (version < 1) throw o.error("domain " + Names.quote(domain) + ": version " + version + " (must be 1 or more)");
        ctx.count(1, o);
        return new OpsetId(domain, version);
    }

    /** A StringStringEntryProto into {@code into}; a repeated key is refused. */
    private void entry(ProtoReader r, Origin o, Map<String, String> into) throws OnnxFormatException {
        String key = "", value = "";
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> key = r.string("key");
                    case 2 -> value = r.string("value");
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw o.error(e.getMessage());
        }
        if (into.containsKey(key)) throw o.error("key " + Names.quote(key) + " appears twice");
        ctx.count(1, o);
        into.put(key, value);
    }

    // ---- graph ------------------------------------------------------------------------------

    private OnnxGraph graph(ProtoReader r, Origin o) throws OnnxFormatException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        Map<String, Integer> initializerIndex = new HashMap<>();
        List<OnnxValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>(), valueInfo = new ArrayList<>();
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        if (nodes.size() >= ctx.limits.maxNodes()) {
                            throw o.error(String.format(Locale.ROOT, "more than %,d nodes, the reader's limit", ctx.limits.maxNodes()));
                        }
                        nodes.add(node(r.message("node"), nodes.size(), o));
                    }
                    case 2 -> name = r.string("name");
                    case 5 -> {
                        int i = initializerIndex.size();
                        OnnxTensor tensor = TensorParser.tensor(r.message("initializer"), tensorName -> o.element("initializer", i, tensorName), ctx);
                        if (tensor.name().isEmpty()) throw tensor.origin().error("has no name");
                        Integer before = initializerIndex.putIfAbsent(tensor.name(), i);
                        if (before != null) throw tensor.origin().error("the name is also that of initializer[" + before + "]");
                        initializers.put(tensor.name(), tensor);
                    }
                    case 11 -> inputs.add(valueInfo(r.message("input"), o, "input", inputs.size()));
                    case 12 -> outputs.add(valueInfo(r.message("output"), o, "output", outputs.size()));
                    case 13 -> valueInfo.add(valueInfo(r.message("value_info"), o, "value_info", valueInfo.size()));
                    case 15 -> throw r.malformed("sparse_initializer (field 15) is not supported");
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw o.error(e.getMessage());
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs, valueInfo, o);
    }

    /**
     * The last values of the string fields {@code fields} in the message ahead of {@code r}
     * (null where absent), looked up leniently for naming a place before it is parsed; a broken
     * message stops the lookup, and the real parse then reports the problem.
     */
    static String[] prescan(ProtoReader r, int... fields) {
        String[] found = new String[fields.length];
        ProtoReader p = r.copy();
        try {
            while (p.next()) {
                int k = -1;
                for (int i = 0; i < fields.length; i++) {
                    if (fields[i] == p.field() && p.wireType() == ProtoReader.LEN) k = i;
                }
                if (k >= 0) found[k] = p.string("name");
                else p.skip();
            }
        } catch (Malformed e) {
            // the parse proper reports it
        }
        return found;
    }

    // ---- node -------------------------------------------------------------------------------

    private OnnxNode node(ProtoReader r, int index, Origin graph) throws OnnxFormatException {
        ProtoReader start = r.copy();
        String name = null, opType = null, domain = "";
        Origin o = null; // built when first needed: writers put name and op_type before the attributes
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> inputs.add(r.string("input"));
                    case 2 -> outputs.add(r.string("output"));
                    case 3 -> name = r.string("name");
                    case 4 -> opType = r.string("op_type");
                    case 5 -> {
                        if (o == null) o = nodeOrigin(graph, index, name, opType, start);
                        OnnxAttribute a = attribute(r.message("attribute"), o, attributes.size());
                        if (attributes.containsKey(a.name())) throw a.origin().error("appears twice in the node");
                        attributes.put(a.name(), a);
                    }
                    case 7 -> domain = r.string("domain");
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw (o != null ? o : nodeOrigin(graph, index, null, null, start)).error(e.getMessage());
        }
        if (o == null) o = nodeOrigin(graph, index, name, opType, null);
        if (opType == null || opType.isEmpty()) throw o.error("has no op_type");
        ctx.count(1L + inputs.size() + outputs.size(), o);
        return new OnnxNode(index, name == null ? "" : name, opType, domain, inputs, outputs, attributes, o);
    }

    /** {@code graph.node[i] 'name' (Op)}; a name or op type not seen yet is looked up in {@code start} (when given). */
    private static Origin nodeOrigin(Origin graph, int index, String name, String opType, ProtoReader start) {
        if ((name == null || opType == null) && start != null) {
            String[] found = prescan(start, 3, 4);
            if (name == null) name = found[0];
            if (opType == null) opType = found[1];
        }
        return graph.child(".node[" + index + "]" + (name == null || name.isEmpty() ? "" : " " + Origin.quote(name))
                + (opType == null || opType.isEmpty() ? "" : " (" + Names.display(opType, 60) + ")"));
    }

    /** {@code attribute 'name'} or, without a name, {@code attribute[i]}; a name not seen yet is looked up in {@code start}. */
    private static Origin attributeOrigin(Origin node, int index, String name, ProtoReader start) {
        if (name == null && start != null) name = prescan(start, 1)[0];
        return node.child(name == null || name.isEmpty() ? "attribute[" + index + "]" : "attribute " + Origin.quote(name));
    }

    private OnnxAttribute attribute(ProtoReader r, Origin node, int index) throws OnnxFormatException {
        ProtoReader start = r.copy();
        Origin o = null; // built when first needed (the name usually comes first)
        String name = null;
        long declared = 0;
        AttributeType present = null; // the value field seen (all must agree)
        float f = 0;
        long i = 0;
        String s = "";
        OnnxTensor t = null;
        ProtoReader.FixedList floats = null; // made when the field appears: most attributes have one value
        ProtoReader.LongList ints = null;
        List<String> strings = List.of();
        try {
            while (r.next()) {
                AttributeType field = switch (r.field()) {
                    case 2 -> AttributeType.FLOAT;
                    case 3 -> AttributeType.INT;
                    case 4 -> AttributeType.STRING;
                    case 5 -> AttributeType.TENSOR;
                    case 6 -> AttributeType.GRAPH;
                    case 7 -> AttributeType.FLOATS;
                    case 8 -> AttributeType.INTS;
                    case 9 -> AttributeType.STRINGS;
                    case 10 -> AttributeType.TENSORS;
                    case 11 -> AttributeType.GRAPHS;
                    case 14 -> AttributeType.TYPE_PROTO;
                    case 15 -> AttributeType.TYPE_PROTOS;
                    case 22 -> AttributeType.SPARSE_TENSOR;
                    case 23 -> AttributeType.SPARSE_TENSORS;
                    default -> null;
                };
                if (field != null) {
                    if (present != null && present != field) {
                        throw r.malformed("carries both a " + present + " and a " + field + " value (one is allowed)");
                    }
                    present = field;
                }
                switch (r.field()) {
                    case 1 -> name = r.string("name");
                    case 2 -> f = r.float32("f");
                    case 3 -> i = r.int64("i");
                    case 4 -> s = r.string("s");
                    case 5 -> {
                        if (t != null) throw r.malformed("field 't' (5) appears twice");
                        if (o == null) o = attributeOrigin(node, index, name, start);
                        Origin attr = o;
                        t = TensorParser.tensor(r.message("t"), tensorName -> attr, ctx);
                    }
                    case 7 -> {
                        if (floats == null) floats = new ProtoReader.FixedList(4);
                        r.fixed("floats", floats);
                    }
                    case 8 -> {
                        if (ints == null) ints = new ProtoReader.LongList();
                        r.varints("ints", ints);
                    }
                    case 9 -> {
                        if (strings.isEmpty()) strings = new ArrayList<>();
                        strings.add(r.string("strings"));
                    }
                    case 20 -> declared = r.int32("type");
                    case 21 -> throw r.malformed("ref_attr_name refers to a function's attribute, which is meaningless in a main graph");
                    default -> r.skip(); // name's doc_string, and the values mcdrop does not read
                }
            }
        } catch (Malformed e) {
            throw (o != null ? o : attributeOrigin(node, index, null, start)).error(e.getMessage());
        }
        if (o == null) o = attributeOrigin(node, index, name, null);
        if (name == null || name.isEmpty()) throw o.error("has no name");
        AttributeType type;
        if (declared != 0) {
            type = AttributeType.ofCode(declared);
            if (type == null) throw o.error("type " + declared + " is not an attribute type");
            if (present != null && present != type) throw o.error("is declared " + type + " but carries a " + present + " value");
        } else if (present != null) {
            type = present; // IR version 1 had no type field: the value field says
        } else {
            throw o.error("has neither a type nor a value");
        }
        ctx.count(1L + strings.size(), o);
        return switch (type) {
            case FLOAT -> new OnnxAttribute.FloatAttr(name, f, o);
            case INT -> new OnnxAttribute.IntAttr(name, i, o);
            case STRING -> new OnnxAttribute.StringAttr(name, s, o);
            case TENSOR -> {
                if (t == null) throw o.error("is declared TENSOR but carries no tensor");
                yield new OnnxAttribute.TensorAttr(name, t, o);
            }
            case FLOATS -> new OnnxAttribute.FloatsAttr(name, floats == null ? new float[0] : floats.bytes()
                    .toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN)), o);
            case INTS -> new OnnxAttribute.IntsAttr(name, ints == null ? new long[0] : ints.toArray(), o);
            case STRINGS -> new OnnxAttribute.StringsAttr(name, strings, o);
            case UNDEFINED -> throw o.error("type UNDEFINED");
            default -> new OnnxAttribute.Skipped(name, type, o);
        };
    }

    // ---- value info and types ---------------------------------------------------------------

    private OnnxValueInfo valueInfo(ProtoReader r, Origin graph, String field, int index) throws OnnxFormatException {
        ProtoReader start = r.copy();
        Origin o = null; // built when first needed (the name usually comes first)
        String name = null;
        OnnxValueInfo.Kind kind = OnnxValueInfo.Kind.UNKNOWN;
        DataType elemType = null;
        Optional<List<Dim>> shape = Optional.empty();
        boolean typed = false;
        try {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> name = r.string("name");
                    case 2 -> {
                        if (typed) throw r.malformed("field 'type' (2) appears twice");
                        typed = true;
                        if (o == null) o = graph.element(field, index, name != null ? name : prescan(start, 1)[0]);
                        ProtoReader t = r.message("type");
                        while (t.next()) {
                            OnnxValueInfo.Kind k = switch (t.field()) {
                                case 1 -> OnnxValueInfo.Kind.TENSOR;
                                case 4 -> OnnxValueInfo.Kind.SEQUENCE;
                                case 5 -> OnnxValueInfo.Kind.MAP;
                                case 7 -> OnnxValueInfo.Kind.OPAQUE;
                                case 8 -> OnnxValueInfo.Kind.SPARSE_TENSOR;
                                case 9 -> OnnxValueInfo.Kind.OPTIONAL;
                                default -> null;
                            };
                            if (k == null) {
                                t.skip();
                                continue;
                            }
                            if (kind != OnnxValueInfo.Kind.UNKNOWN) throw t.malformed("type has both " + kind + " and " + k);
                            kind = k;
                            if (k == OnnxValueInfo.Kind.TENSOR || k == OnnxValueInfo.Kind.SPARSE_TENSOR) {
                                ProtoReader tt = t.message(k == OnnxValueInfo.Kind.TENSOR ? "tensor_type" : "sparse_tensor_type");
                                elemType = DataType.UNDEFINED;
                                boolean shaped = false;
                                while (tt.next()) {
                                    switch (tt.field()) {
                                        case 1 -> {
                                            long code = tt.int32("elem_type");
                                            elemType = DataType.ofCode(code);
                                            if (elemType == null) throw tt.malformed("elem_type " + code + " is not an ONNX data type");
                                        }
                                        case 2 -> {
                                            if (shaped) throw tt.malformed("field 'shape' (2) appears twice");
                                            shaped = true;
                                            shape = Optional.of(shape(tt.message("shape"), o));
                                        }
                                        default -> tt.skip();
                                    }
                                }
                            } else {
                                t.skip(); // sequence, map, optional, opaque: only the kind matters to mcdrop
                            }
                        }
                    }
                    default -> r.skip();
                }
            }
        } catch (Malformed e) {
            throw (o != null ? o : graph.element(field, index, prescan(start, 1)[0])).error(e.getMessage());
        }
        if (o == null) o = graph.element(field, index, name);
        if (name == null || name.isEmpty()) throw o.error("has no name");
        ctx.count(1, o);
        return new OnnxValueInfo(name, kind, elemType, shape, o);
    }

    private List<Dim> shape(ProtoReader r, Origin o) throws OnnxFormatException {
        List<Dim> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() != 1) {
                r.skip();
                continue;
            }
            if (dims.size() >= ctx.limits.maxRank()) throw o.error("shape has more than " + ctx.limits.maxRank() + " dimensions");
            ProtoReader d = r.message("dim");
            Dim dim = new Dim.Unknown();
            while (d.next()) {
                switch (d.field()) {
                    case 1 -> {
                        long v = d.int64("dim_value");
                        if (v < 0) throw d.malformed("shape dim[" + dims.size() + "]: dim_value " + v + " is negative");
                        if (dim instanceof Dim.Param) throw d.malformed("shape dim[" + dims.size() + "] has both dim_value and dim_param");
                        dim = new Dim.Value(v);
                    }
                    case 2 -> {
                        String p = d.string("dim_param");
                        if (dim instanceof Dim.Value) throw d.malformed("shape dim[" + dims.size() + "] has both dim_value and dim_param");
                        dim = new Dim.Param(p);
                    }
                    default -> d.skip();
                }
            }
            dims.add(dim);
        }
        ctx.count(dims.size(), o);
        return dims;
    }
}
