package dev.mcdrop.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.io.Names;
import dev.mcdrop.io.StrictJson;
import dev.mcdrop.model.Shape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A graph's structure as JSON, format "mcdrop-graph" version 1 (docs/MODEL-FORMAT.md, "Graph
 * models"): the input (name and C×H×W), the {@link InputTransform}, the initializers' names and
 * shapes (their values travel separately, as the safetensors tensors of the same names), the nodes
 * in topological order (name, op type, inputs, outputs, and the {@link Op} record's fields as
 * "attributes" under the records' own field names) and the outputs. One reflective mapping serves
 * every op, so an op added to {@link Op} is written and read without a change here.
 *
 * <p>Read under {@link StrictJson}: a field the format does not have, a value of the wrong type, a
 * count past {@link GraphLimits} is refused in one line naming the source and the field; the graph
 * built from it is then checked like any other ({@link Graph}), its refusals prefixed with the
 * source too.
 */
public final class GraphJson {
    public static final String FORMAT = "mcdrop-graph";
    public static final int VERSION = 1;
    /** Largest JSON text read (65,536 nodes of a few hundred characters each fit many times over). */
    public static final int MAX_CHARS = 64 << 20;
    /** Largest rank of an initializer's shape. */
    public static final int MAX_RANK = 8;

    private static final Map<String, Class<?>> OPS = new TreeMap<>();

    static {
        for (Class<?> c : Op.class.getPermittedSubclasses()) OPS.put(c.getSimpleName(), c);
    }

    private GraphJson() {}

    /** An initializer as the JSON lists it: name and shape; its values are the file's tensor of that name. */
    public record TensorSpec(String name, int[] shape) {
        public TensorSpec { shape = shape.clone(); }

        @Override public int[] shape() { return shape.clone(); }

        /** The shape's product, saturated at Long.MAX_VALUE. */
        public long elements() {
            long n = 1;
            for (int d : shape) n = GraphLimits.product(n, d);
            return n;
        }

        @Override public boolean equals(Object o) { return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape); }

        @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }
    }

    /** Everything a graph JSON says; {@link #build} adds the initializers' values. */
    public record Structure(String name, GraphInput input, InputTransform transform, List<TensorSpec> initializers, List<Node> nodes,
                            List<String> outputs, String source) {
        /** The model, {@code values.get(i)} being initializer i's values (lengths checked by {@link Initializer}). */
        public GraphModel build(List<Initializer.Values> values, Map<String, String> metadata) {
            try {
                List<Initializer> inits = new ArrayList<>(initializers.size());
                for (int i = 0; i < initializers.size(); i++) {
                    inits.add(new Initializer(initializers.get(i).name(), initializers.get(i).shape(), values.get(i)));
                }
                return new GraphModel(name, new Graph(name, input, inits, nodes, outputs), transform, metadata);
            } catch (IllegalArgumentException e) { // GraphException, and the transform's channel check
                throw new GraphException(source + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /** The model's graph and transform as JSON: one initializer, one node per line. */
    public static String toJson(GraphModel model) {
        Graph g = model.graph();
        ObjectNode input = obj();
        input.put("name", g.input().name());
        input.put("channels", g.input().shape().channels());
        input.put("height", g.input().shape().height());
        input.put("width", g.input().shape().width());
        ObjectNode transform = obj();
        transform.put("scale", model.transform().scale());
        if (model.transform().mean().length > 0) floats(transform.putArray("mean"), model.transform().mean());
        if (model.transform().std().length > 0) floats(transform.putArray("std"), model.transform().std());
        StringBuilder sb = new StringBuilder("{\n  \"format\": ").append(write(text(FORMAT))).append(",\n  \"version\": ").append(VERSION)
                .append(",\n  \"name\": ").append(write(text(g.name()))).append(",\n  \"input\": ").append(write(input))
                .append(",\n  \"transform\": ").append(write(transform)).append(",\n  \"initializers\": [");
        int i = 0;
        for (Initializer init : g.initializers()) {
            ObjectNode o = obj();
            o.put("name", init.name());
            ArrayNode shape = o.putArray("shape");
            for (int d : init.dims()) shape.add(d);
            sb.append(i++ == 0 ? "\n    " : ",\n    ").append(write(o));
        }
        sb.append(i == 0 ? "],\n  \"nodes\": [" : "\n  ],\n  \"nodes\": [");
        i = 0;
        for (Node n : g.nodes()) sb.append(i++ == 0 ? "\n    " : ",\n    ").append(write(node(n)));
        ArrayNode outputs = StrictJson.MAPPER.createArrayNode();
        g.outputs().forEach(outputs::add);
        return sb.append("\n  ],\n  \"outputs\": ").append(write(outputs)).append("\n}\n").toString();
    }

    private static ObjectNode node(Node n) {
        ObjectNode o = obj();
        o.put("name", n.name());
        o.put("op", n.op().type());
        n.inputs().forEach(o.putArray("inputs")::add);
        n.outputs().forEach(o.putArray("outputs")::add);
        ObjectNode attributes = obj();
        for (RecordComponent rc : n.op().getClass().getRecordComponents()) {
            Object v;
            try {
                v = rc.getAccessor().invoke(n.op());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String f = rc.getName();
            switch (v) {
                case Integer x -> attributes.put(f, x);
                case Float x -> attributes.put(f, x);
                case Double x when Double.isFinite(x) -> attributes.put(f, x);
                case Double x -> attributes.put(f, x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN");
                case Boolean x -> attributes.put(f, x);
                case Op.Size2 s -> attributes.putArray(f).add(s.height()).add(s.width());
                case Op.Pads p -> attributes.putArray(f).add(p.top()).add(p.left()).add(p.bottom()).add(p.right());
                case Op.AutoPad a -> { if (a != Op.AutoPad.NOTSET) attributes.put(f, a.name()); }
                case OptionalInt x -> { if (x.isPresent()) attributes.put(f, x.getAsInt()); }
                default -> throw new IllegalStateException("no JSON form for " + rc);
            }
        }
        if (!attributes.isEmpty()) o.set("attributes", attributes);
        return o;
    }

    private static void floats(ArrayNode a, float[] v) { for (float x : v) a.add(x); }

    private static ObjectNode obj() { return StrictJson.MAPPER.createObjectNode(); }

    private static JsonNode text(String s) { return StrictJson.MAPPER.getNodeFactory().textNode(s); }

    /** An object's fields on one line, {@code {"a": 1, "b": [2, 3]}}; anything else as Jackson writes it. */
    private static String write(JsonNode n) {
        if (n.isObject() || n.isArray()) {
            StringBuilder sb = new StringBuilder(n.isObject() ? "{" : "[");
            if (n.isObject()) {
                n.properties().forEach(e -> sb.append(sb.length() > 1 ? ", " : "").append(write(text(e.getKey()))).append(": ").append(write(e.getValue())));
            } else {
                n.forEach(e -> sb.append(sb.length() > 1 ? ", " : "").append(write(e)));
            }
            return sb.append(n.isObject() ? '}' : ']').toString();
        }
        try {
            return StrictJson.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Parses graph JSON; {@code source} (e.g. {@code net.safetensors __metadata__.mcdrop.graph}) begins every refusal. */
    public static Structure parse(String json, String source) {
        if (json.length() > MAX_CHARS) throw fail(source, "graph JSON of " + json.length() + " characters; at most " + MAX_CHARS + " are read");
        JsonNode root;
        try {
            root = StrictJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw fail(source, "graph is not valid JSON: " + StrictJson.problem(e));
        }
        if (root == null || !root.isObject()) throw fail(source, "the graph must be a JSON object");
        allowOnly(root, source, "", Set.of("format", "version", "name", "input", "transform", "initializers", "nodes", "outputs"));
        String format = string(root, "format", source, "");
        if (!format.equals(FORMAT)) throw fail(source, "field 'format' is " + Names.quote(format) + ", not '" + FORMAT + "'");
        int version = integer(root, "version", source, "");
        if (version != VERSION) throw fail(source, "field 'version' is " + version + "; this mcdrop reads version " + VERSION);
        String name = string(root, "name", source, "");

        JsonNode in = object(root, "input", source, "");
        allowOnly(in, source, "input", Set.of("name", "channels", "height", "width"));
        Shape shape;
        try {
            shape = new Shape(integer(in, "channels", source, "input"), integer(in, "height", source, "input"), integer(in, "width", source, "input"));
        } catch (GraphException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw fail(source, "field 'input': " + e.getMessage());
        }
        GraphInput input = new GraphInput(string(in, "name", source, "input"), shape);

        JsonNode tr = object(root, "transform", source, "");
        allowOnly(tr, source, "transform", Set.of("scale", "mean", "std"));
        InputTransform transform;
        try {
            transform = new InputTransform((float) number(tr, "scale", source, "transform"), floatArray(tr, "mean", source),
                    floatArray(tr, "std", source));
        } catch (GraphException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw fail(source, "field 'transform': " + e.getMessage());
        }

        JsonNode inits = array(root, "initializers", source, "", GraphLimits.MAX_INITIALIZERS);
        List<TensorSpec> specs = new ArrayList<>(inits.size());
        for (int i = 0; i < inits.size(); i++) specs.add(tensorSpec(inits.get(i), source, "initializer " + i));

        JsonNode nodes = array(root, "nodes", source, "", GraphLimits.MAX_NODES);
        List<Node> list = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) list.add(node(nodes.get(i), source, i));

        List<String> outputs = strings(root, "outputs", source, "");
        return new Structure(name, input, transform, List.copyOf(specs), List.copyOf(list), outputs, source);
    }

    private static TensorSpec tensorSpec(JsonNode n, String source, String at) {
        if (!n.isObject()) throw fail(source, at + ": must be an object");
        allowOnly(n, source, at, Set.of("name", "shape"));
        String name = string(n, "name", source, at);
        at = at + " (" + Names.quote(name) + ")";
        JsonNode s = n.get("shape");
        if (s == null || !s.isArray()) throw fail(source, at + ": field 'shape' (array of integers) is missing");
        if (s.size() > MAX_RANK) throw fail(source, at + ": field 'shape' has rank " + s.size() + "; at most " + MAX_RANK + " is supported");
        int[] dims = new int[s.size()];
        for (int k = 0; k < dims.length; k++) {
            JsonNode d = s.get(k);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw fail(source, at + ": field 'shape' must hold integers >= 0, got " + shown(d));
            }
            dims[k] = d.intValue();
        }
        TensorSpec spec = new TensorSpec(name, dims);
        if (spec.elements() > GraphLimits.MAX_VALUES) {
            throw fail(source, at + ": shape " + Arrays.toString(dims) + " holds " + GraphLimits.count(spec.elements())
                    + " values; at most " + GraphLimits.MAX_VALUES + " are supported");
        }
        return spec;
    }

    private static Node node(JsonNode n, String source, int index) {
        String at = "node " + index;
        if (!n.isObject()) throw fail(source, at + ": must be an object");
        allowOnly(n, source, at, Set.of("name", "op", "inputs", "outputs", "attributes"));
        String name = string(n, "name", source, at);
        at = at + " (" + Names.quote(name) + ")";
        String type = string(n, "op", source, at);
        Class<?> c = OPS.get(type);
        if (c == null) throw fail(source, at + ": unknown op " + Names.quote(type) + " (known: " + String.join(", ", OPS.keySet()) + ")");
        at = at + " " + type;
        JsonNode attributes = n.get("attributes");
        if (attributes == null) attributes = obj();
        else if (!attributes.isObject()) throw fail(source, at + ": field 'attributes' must be an object");
        return new Node(name, op(c, attributes, source, at + " attributes"), strings(n, "inputs", source, at), strings(n, "outputs", source, at));
    }

    /** The op record of class {@code c} from its attributes, each field by its record component's name. */
    private static Op op(Class<?> c, JsonNode attributes, String source, String at) {
        RecordComponent[] fields = c.getRecordComponents();
        Set<String> allowed = new LinkedHashSet<>();
        for (RecordComponent rc : fields) allowed.add(rc.getName());
        allowOnly(attributes, source, at, allowed);
        Object[] args = new Object[fields.length];
        Class<?>[] types = new Class<?>[fields.length];
        for (int k = 0; k < fields.length; k++) {
            types[k] = fields[k].getType();
            args[k] = attribute(attributes, fields[k].getName(), types[k], source, at);
        }
        try {
            return (Op) c.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            throw fail(source, at + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object attribute(JsonNode o, String f, Class<?> type, String source, String at) {
        JsonNode v = o.get(f);
        if (v == null) {
            if (type == OptionalInt.class) return OptionalInt.empty();
            if (type == Op.AutoPad.class) return Op.AutoPad.NOTSET;
            throw fail(source, at + ": field '" + f + "' is missing");
        }
        if (type == int.class) return integer(o, f, source, at);
        if (type == OptionalInt.class) return OptionalInt.of(integer(o, f, source, at));
        if (type == double.class) return number(o, f, source, at);
        if (type == float.class) return (float) number(o, f, source, at);
        if (type == boolean.class) {
            if (!v.isBoolean()) throw fail(source, at + ": field '" + f + "' must be true or false, got " + shown(v));
            return v.booleanValue();
        }
        if (type == Op.Size2.class) {
            int[] x = ints(v, 2, f, "[height, width]", source, at);
            return new Op.Size2(x[0], x[1]);
        }
        if (type == Op.Pads.class) {
            int[] x = ints(v, 4, f, "[top, left, bottom, right]", source, at);
            return new Op.Pads(x[0], x[1], x[2], x[3]);
        }
        if (type == Op.AutoPad.class) {
            for (Op.AutoPad a : Op.AutoPad.values()) if (v.isTextual() && a.name().equals(v.textValue())) return a;
            throw fail(source, at + ": field '" + f + "' must be one of " + Arrays.toString(Op.AutoPad.values()) + ", got " + shown(v));
        }
        throw new IllegalStateException("no JSON form for " + type);
    }

    private static int[] ints(JsonNode v, int count, String f, String form, String source, String at) {
        if (v.isArray() && v.size() == count) {
            int[] x = new int[count];
            boolean ok = true;
            for (int i = 0; i < count; i++) {
                ok &= v.get(i).isIntegralNumber() && v.get(i).canConvertToInt();
                x[i] = v.get(i).intValue();
            }
            if (ok) return x;
        }
        throw fail(source, at + ": field '" + f + "' must be " + form + ", " + count + " integers, got " + shown(v));
    }

    private static GraphException fail(String source, String message) { return new GraphException(source + ": " + message); }

    private static String where(String at) { return at.isEmpty() ? "" : at + ": "; }

    private static void allowOnly(JsonNode n, String source, String at, Set<String> allowed) {
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw fail(source, where(at) + "unknown field " + Names.quote(f) + (allowed.isEmpty() ? " (it has none)" : " (allowed: " + allowed + ")"));
            }
        });
    }

    private static JsonNode object(JsonNode n, String field, String source, String at) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) throw fail(source, where(at) + "field '" + field + "' (object) is missing");
        return v;
    }

    private static JsonNode array(JsonNode n, String field, String source, String at, int max) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) throw fail(source, where(at) + "field '" + field + "' (array) is missing");
        if (v.size() > max) throw fail(source, where(at) + "field '" + field + "' has " + v.size() + " entries; at most " + max + " are supported");
        return v;
    }

    private static List<String> strings(JsonNode n, String field, String source, String at) {
        JsonNode v = array(n, field, source, at, GraphLimits.MAX_NODES + GraphLimits.MAX_INITIALIZERS);
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (!s.isTextual()) throw fail(source, where(at) + "field '" + field + "' must hold strings, got " + shown(s));
            out.add(s.textValue());
        }
        return out;
    }

    private static float[] floatArray(JsonNode n, String field, String source) {
        JsonNode v = n.get(field);
        if (v == null) return new float[0];
        if (!v.isArray() || v.size() > GraphLimits.MAX_CHANNELS) throw fail(source, "transform: field '" + field + "' must be an array of numbers");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) throw fail(source, "transform: field '" + field + "' must hold numbers, got " + shown(v.get(i)));
            out[i] = (float) v.get(i).doubleValue();
        }
        return out;
    }

    private static String string(JsonNode n, String field, String source, String at) {
        JsonNode v = n.get(field);
        if (v == null) throw fail(source, where(at) + "field '" + field + "' is missing");
        if (!v.isTextual()) throw fail(source, where(at) + "field '" + field + "' must be a string, got " + shown(v));
        return v.textValue();
    }

    private static int integer(JsonNode n, String field, String source, String at) {
        JsonNode v = n.get(field);
        if (v == null) throw fail(source, where(at) + "field '" + field + "' is missing");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw fail(source, where(at) + "field '" + field + "' must be an integer, got " + shown(v));
        }
        return v.intValue();
    }

    /** A number; the strings "Infinity" and "-Infinity" stand for the unbounded values JSON lacks (Clip's open sides). */
    private static double number(JsonNode n, String field, String source, String at) {
        JsonNode v = n.get(field);
        if (v == null) throw fail(source, where(at) + "field '" + field + "' is missing");
        if (v.isTextual() && v.textValue().equals("Infinity")) return Double.POSITIVE_INFINITY;
        if (v.isTextual() && v.textValue().equals("-Infinity")) return Double.NEGATIVE_INFINITY;
        if (!v.isNumber()) throw fail(source, where(at) + "field '" + field + "' must be a number, got " + shown(v));
        return v.doubleValue();
    }

    private static String shown(JsonNode v) { return Names.display(v.toString(), Names.MAX_NAME); }
}
