package dev.mcdrop.onnx;

import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.GraphException;
import dev.mcdrop.graph.GraphInput;
import dev.mcdrop.graph.GraphLimits;
import dev.mcdrop.graph.Initializer;
import dev.mcdrop.graph.Node;
import dev.mcdrop.graph.Op;
import dev.mcdrop.io.Names;
import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX model → {@link Graph}: maps the operators mcdrop's graph supports, with ONNX's attribute
 * semantics (defaults and the rules that changed between opsets: Clip's bounds as attributes before
 * opset 11 and inputs after, Dropout's ratio as an attribute before 12 and an input after, Softmax's
 * axis before and after 13), and refuses anything else with one line naming the node, its op type
 * and the attribute or input at fault. The graph package does not depend on this one: the
 * importer lives on the ONNX side. Initializers are copied out ({@link OnnxTensor#floats()}), so the
 * graph holds no view of the file's mapping. See docs/ONNX.md, "Import".
 */
public final class OnnxImport {
    /** The operators mapped, in the order docs/ONNX.md lists them. */
    public static final List<String> SUPPORTED = List.of("Conv", "Gemm", "MatMul", "BatchNormalization", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Gelu", "Add", "Sub", "Mul",
            "Concat", "Flatten", "Reshape", "Identity", "Softmax", "Dropout", "Constant");

    /** The newest default-domain opset whose semantics this importer knows. */
    public static final long MAX_OPSET = 21;

    /** Attributes each operator may carry; any other attribute is refused. "consumed_inputs" (opset < 6) is ignored. */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.ofEntries(
            Map.entry("Conv", Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")),
            Map.entry("Gemm", Set.of("alpha", "beta", "transA", "transB", "broadcast")),
            Map.entry("MatMul", Set.of()),
            Map.entry("BatchNormalization", Set.of("epsilon", "momentum", "spatial", "is_test", "training_mode")),
            Map.entry("MaxPool", Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")),
            Map.entry("AveragePool", Set.of("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides")),
            Map.entry("GlobalAveragePool", Set.of()), Map.entry("GlobalMaxPool", Set.of()), Map.entry("Relu", Set.of()),
            Map.entry("LeakyRelu", Set.of("alpha")), Map.entry("Sigmoid", Set.of()), Map.entry("Tanh", Set.of()),
            Map.entry("Clip", Set.of("min", "max")), Map.entry("Gelu", Set.of("approximate")), Map.entry("Add", Set.of()),
            Map.entry("Sub", Set.of()), Map.entry("Mul", Set.of()), Map.entry("Concat", Set.of("axis")),
            Map.entry("Flatten", Set.of("axis")), Map.entry("Reshape", Set.of("allowzero")), Map.entry("Identity", Set.of()),
            Map.entry("Softmax", Set.of("axis")), Map.entry("Dropout", Set.of("ratio", "is_test", "seed")),
            Map.entry("Constant", Set.of("value")));

    private final OnnxModel model;
    private final OnnxGraph onnx;
    private final long opset;
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private final Map<String, Integer> rank = new HashMap<>(); // full ONNX rank (with N) of each computed tensor
    private final Map<String, OnnxTensor> constants = new HashMap<>(); // initializers and Constant outputs
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> nodeNames = new HashSet<>();
    /** Tensors some node or the graph's outputs read: a node's extra output (Dropout's mask, as PyTorch exports it) may be left unread. */
    private final Set<String> read = new HashSet<>();
    private GraphInput input;
    private long declaredBatch = -1; // the input's N when the file fixes it

    private OnnxImport(OnnxModel model) {
        this.model = model;
        this.onnx = model.graph();
        this.opset = model.opsetVersion("").orElse(1);
    }

    /** The graph of {@code model}; an {@link OnnxFormatException} names what is not supported or not consistent. */
    public static Graph fromOnnx(OnnxModel model) throws OnnxFormatException {
        return new OnnxImport(model).build();
    }

    private Graph build() throws OnnxFormatException {
        if (opset > MAX_OPSET) {
            throw onnx.origin().error("default opset " + opset + "; mcdrop knows the operator semantics up to opset " + MAX_OPSET);
        }
        if (onnx.nodes().size() > GraphLimits.MAX_NODES) { // before mapping any: the reader allows more
            throw onnx.origin().error(onnx.nodes().size() + " nodes; at most " + GraphLimits.MAX_NODES + " are supported");
        }
        constants.putAll(onnx.initializers());
        for (OnnxNode n : onnx.nodes()) read.addAll(n.inputs());
        for (OnnxValueInfo o : onnx.outputs()) read.add(o.name());
        imageInput();
        for (OnnxNode n : onnx.nodes()) map(n);
        List<String> outputs = new ArrayList<>();
        for (OnnxValueInfo o : onnx.outputs()) {
            if (!rank.containsKey(o.name())) {
                throw o.origin().error("output " + Names.quote(o.name()) + " is not computed from the image input; mcdrop runs only computed outputs");
            }
            outputs.add(o.name());
        }
        return graph(outputs);
    }

    private Graph graph(List<String> outputs) throws OnnxFormatException {
        try {
            return new Graph(onnx.name().isEmpty() ? "onnx" : onnx.name(), input, initializers.values(), nodes, outputs);
        } catch (GraphException e) {
            throw onnx.origin().error(e.getMessage());
        }
    }

    /**
     * The one input that is not an initializer: float [N,C,H,W], [N,F], or [N,A,B] (run as the
     * image [N,1,A,B]; only operators that do not treat axis 1 as channels accept it), N anything.
     */
    private void imageInput() throws OnnxFormatException {
        List<OnnxValueInfo> runtime = onnx.runtimeInputs();
        if (runtime.size() != 1) {
            throw onnx.origin().error(runtime.size() + " inputs that are not initializers (" + Names.list(runtime.stream().map(OnnxValueInfo::name).toList())
                    + "); mcdrop runs graphs with exactly one image input");
        }
        OnnxValueInfo in = runtime.getFirst();
        if (in.kind() != OnnxValueInfo.Kind.TENSOR || in.elemType() != DataType.FLOAT) {
            throw in.origin().error("input " + Names.quote(in.name()) + " is " + (in.kind() == OnnxValueInfo.Kind.TENSOR ? in.elemType() : in.kind())
                    + "; a FLOAT tensor is needed");
        }
        List<Dim> dims = in.shape().orElseThrow(() -> in.origin().error("input " + Names.quote(in.name()) + " has no shape; [N,C,H,W] or [N,F] is needed"));
        if (dims.size() < 2 || dims.size() > 4) {
            throw in.origin().error("input " + Names.quote(in.name()) + " has rank " + dims.size() + "; [N,C,H,W], [N,A,B] or [N,F] is needed");
        }
        int[] size = new int[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            if (!(dims.get(i) instanceof Dim.Value v) || v.value() <= 0 || v.value() > Integer.MAX_VALUE) {
                throw in.origin().error("input " + Names.quote(in.name()) + " dimension " + i + " is " + text(dims.get(i)) + "; a positive number is needed");
            }
            size[i - 1] = (int) v.value();
        }
        if (dims.getFirst() instanceof Dim.Value v) declaredBatch = v.value();
        try {
            if (size.length == 3) {
                input = new GraphInput(in.name(), new Shape(size[0], size[1], size[2]));
            } else if (size.length == 2) {
                input = new GraphInput(in.name(), new Shape(1, size[0], size[1]));
            } else { // [N,F]: the graph's input is F×1×1, flattened back to [N,F] under the ONNX name
                input = new GraphInput(in.name() + "#image", new Shape(size[0], 1, 1));
                nodes.add(Node.of(unique(in.name() + "#flatten"), new Op.Flatten(), input.name(), in.name()));
            }
        } catch (IllegalArgumentException e) {
            throw in.origin().error("input " + Names.quote(in.name()) + ": " + e.getMessage());
        }
        rank.put(in.name(), dims.size());
    }

    private static String text(Dim d) {
        return switch (d) {
            case Dim.Value v -> Long.toString(v.value());
            case Dim.Param p -> "symbolic (" + Names.quote(p.name()) + ")";
            case Dim.Unknown u -> "unknown";
        };
    }

    private void map(OnnxNode n) throws OnnxFormatException {
        if (!OpsetId.isDefaultDomain(n.domain())) throw n.error("domain " + Names.quote(n.domain()) + " is not supported (only the default ONNX domain)");
        Set<String> known = ATTRIBUTES.get(n.opType());
        if (known == null) throw n.error("operator not supported by mcdrop (supported: " + String.join(", ", SUPPORTED) + ")");
        for (String a : n.attributes().keySet()) {
            if (!known.contains(a) && !a.equals("consumed_inputs")) throw n.error("attribute " + Names.quote(a) + " is not supported");
        }
        if (n.opType().equals("Constant")) {
            if (n.outputs().size() != 1) throw n.error(n.outputs().size() + " outputs; 1 expected");
            constants.put(n.outputs().getFirst(), n.getTensor("value"));
            return;
        }
        for (int k = 1; k < n.outputs().size(); k++) {
            String extra = n.outputs().get(k);
            if (!extra.isEmpty() && read.contains(extra)) {
                throw n.error("output " + k + " " + Names.quote(extra) + " is not supported (only the first output is computed)");
            }
        }
        if (n.outputs().isEmpty() || n.outputs().getFirst().isEmpty()) throw n.error("has no output");
        String x = computed(n, 0);
        int r = rank.get(x);
        List<String> ins = new ArrayList<>(List.of(x));
        int outRank = r;
        Op op = switch (n.opType()) {
            case "Conv" -> {
                needImage(n, r);
                ins.add(weight(n, 1));
                if (present(n, 2)) ins.add(weight(n, 2));
                int[] w = initializers.get(ins.get(1)).dims();
                if (w.length == 4) kernelMatches(n, w);
                yield new Op.Conv(size2(n, "strides"), pads(n), autoPad(n), size2(n, "dilations"), (int) n.getInt("group", 1));
            }
            case "Gemm" -> {
                needMatrix(n, r);
                if (n.getInt("transA", 0) != 0) throw n.error("attribute 'transA' is " + n.getInt("transA") + "; only 0 is supported (the batch is A's rows)");
                ins.add(weight(n, 1));
                if (present(n, 2)) ins.add(weight(n, 2));
                outRank = 2;
                yield new Op.Gemm(n.getInt("transB", 0) != 0, n.getFloat("alpha", 1f), n.getFloat("beta", 1f));
            }
            case "MatMul" -> {
                needMatrix(n, r);
                ins.add(weight(n, 1));
                outRank = 2;
                yield new Op.MatMul();
            }
            case "BatchNormalization" -> {
                if (n.getInt("spatial", 1) != 1) throw n.error("attribute 'spatial' is 0; only per-channel statistics are supported");
                if (n.getInt("training_mode", 0) != 0) throw n.error("attribute 'training_mode' is 1; only inference is supported");
                if (r == 3) needImage(n, r); // [N,C,L]: the graph would read L's axis as channels
                for (int k = 1; k <= 4; k++) ins.add(weight(n, k));
                yield new Op.BatchNormalization(n.getFloat("epsilon", 1e-5f));
            }
            case "MaxPool" -> {
                needImage(n, r);
                if (n.getInt("storage_order", 0) != 0) throw n.error("attribute 'storage_order' is 1; only 0 is supported");
                yield new Op.MaxPool(kernel(n), size2(n, "strides"), pads(n), autoPad(n), n.getInt("ceil_mode", 0) != 0, size2(n, "dilations"));
            }
            case "AveragePool" -> {
                needImage(n, r);
                if (!size2(n, "dilations").equals(Op.Size2.ONE)) throw n.error("attribute 'dilations' is " + size2(n, "dilations") + "; only 1x1 is supported");
                yield new Op.AveragePool(kernel(n), size2(n, "strides"), pads(n), autoPad(n), n.getInt("ceil_mode", 0) != 0,
                        n.getInt("count_include_pad", 0) != 0);
            }
            case "GlobalAveragePool" -> { needImage(n, r); yield new Op.GlobalAveragePool(); }
            case "GlobalMaxPool" -> { needImage(n, r); yield new Op.GlobalMaxPool(); }
            case "Relu" -> new Op.Relu();
            case "Sigmoid" -> new Op.Sigmoid();
            case "Tanh" -> new Op.Tanh();
            case "Identity" -> new Op.Identity();
            case "LeakyRelu" -> new Op.LeakyRelu(n.getFloat("alpha", 0.01f));
            case "Gelu" -> {
                String approximate = n.getString("approximate", "none");
                if (!approximate.equals("none")) throw n.error("attribute 'approximate' is " + Names.quote(approximate) + "; only \"none\" is supported");
                yield new Op.Gelu();
            }
            case "Clip" -> opset < 11
                    ? new Op.Clip(n.getFloat("min", -Float.MAX_VALUE), n.getFloat("max", Float.MAX_VALUE))
                    : new Op.Clip(present(n, 1) ? scalar(n, 1) : Double.NEGATIVE_INFINITY, present(n, 2) ? scalar(n, 2) : Double.POSITIVE_INFINITY);
            case "Dropout" -> {
                if (opset < 12 && (present(n, 1) || present(n, 2))) {
                    throw n.error("has a ratio or training_mode input, which Dropout takes from opset 12 on; at opset " + opset
                            + " its ratio is the attribute 'ratio'");
                }
                if (opset >= 12 && present(n, 2)) constant(n, 2); // training_mode: a constant, ignored (mcdrop decides when to drop)
                double ratio = opset < 12 ? n.getFloat("ratio", 0.5f) : present(n, 1) ? scalar(n, 1) : 0.5;
                yield new Op.Dropout((float) ratio, false);
            }
            case "Softmax" -> {
                long axis = n.getInt("axis", opset >= 13 ? -1 : 1);
                int a = axis(n, axis, r);
                if (a == 0) throw n.error("attribute 'axis' is " + axis + ", the batch; softmax must act within an image");
                if (opset < 13 && a != r - 1) {
                    throw n.error("attribute 'axis' is " + axis + " before opset 13 (softmax over dimensions " + a + ".." + (r - 1)
                            + " together); only the last axis is supported");
                }
                yield new Op.Softmax(a + (r == 3 ? 1 : 0)); // [N,A,B] runs as [N,1,A,B]
            }
            case "Flatten" -> {
                long axis = n.getInt("axis", 1);
                if (axis(n, axis, r) != 1) throw n.error("attribute 'axis' is " + axis + "; only 1 ([N, rest]) is supported");
                outRank = 2;
                yield new Op.Flatten();
            }
            case "Reshape" -> {
                outRank = 2;
                int features = reshapeFeatures(n);
                yield features < 0 ? new Op.Flatten() : new Op.Reshape(features); // [N, -1] is Flatten: no size to look up
            }
            case "Concat" -> {
                long axis = n.getInt("axis");
                if (axis(n, axis, r) != 1 || r == 3) throw n.error("attribute 'axis' is " + axis + " of a rank-" + r + " tensor; only 1 of [N,C,H,W] or [N,F] is supported");
                for (int k = 1; k < n.inputs().size(); k++) ins.add(computed(n, k));
                yield new Op.Concat();
            }
            case "Add", "Sub", "Mul" -> {
                String b = n.inputs().size() > 1 ? n.inputs().get(1) : "";
                ins.add(rank.containsKey(b) ? b : weight(n, 1));
                yield switch (n.opType()) {
                    case "Add" -> new Op.Add();
                    case "Sub" -> new Op.Sub();
                    default -> new Op.Mul();
                };
            }
            default -> throw new IllegalStateException(n.opType());
        };
        String out = n.outputs().getFirst();
        nodes.add(new Node(unique(n.name().isEmpty() ? n.opType() + "_" + n.index() : n.name()), op, ins, List.of(out)));
        rank.put(out, outRank);
    }

    private String unique(String name) {
        String u = name;
        for (int i = 2; !nodeNames.add(u); i++) u = name + "#" + i;
        return u;
    }

    private static boolean present(OnnxNode n, int k) {
        return n.inputs().size() > k && !n.inputs().get(k).isEmpty();
    }

    /** Input k, which must be computed from the image (not a constant). */
    private String computed(OnnxNode n, int k) throws OnnxFormatException {
        if (!present(n, k)) throw n.error("input " + k + " is missing");
        String t = n.inputs().get(k);
        if (!rank.containsKey(t)) {
            throw n.error("input " + k + " " + Names.quote(t) + (constants.containsKey(t) ? " is a constant; it must be computed from the image input"
                    : " is not defined before the node"));
        }
        return t;
    }

    private OnnxTensor constant(OnnxNode n, int k) throws OnnxFormatException {
        if (!present(n, k)) throw n.error("input " + k + " is missing");
        OnnxTensor t = constants.get(n.inputs().get(k));
        if (t == null) throw n.error("input " + k + " " + Names.quote(n.inputs().get(k)) + " must be an initializer or a Constant");
        return t;
    }

    /** Input k as a float initializer of the graph (copied out of the file), its name. */
    private String weight(OnnxNode n, int k) throws OnnxFormatException {
        OnnxTensor t = constant(n, k);
        if (t.dataType() != DataType.FLOAT) throw n.error("input " + k + " " + Names.quote(n.inputs().get(k)) + " is " + t.dataType() + "; FLOAT is needed");
        String name = n.inputs().get(k);
        if (!initializers.containsKey(name)) {
            try {
                initializers.put(name, Initializer.of(name, t.intDims(), t.floats()));
            } catch (GraphException e) {
                throw n.error("input " + k + ": " + e.getMessage());
            }
        }
        return name;
    }

    private double scalar(OnnxNode n, int k) throws OnnxFormatException {
        OnnxTensor t = constant(n, k);
        if (t.elementCount() != 1) throw n.error("input " + k + " " + Names.quote(n.inputs().get(k)) + " has " + t.elementCount() + " values; a scalar is needed");
        if (t.dataType() != DataType.FLOAT && t.dataType() != DataType.DOUBLE) {
            throw n.error("input " + k + " " + Names.quote(n.inputs().get(k)) + " is " + t.dataType() + "; FLOAT is needed");
        }
        return t.doubles()[0];
    }

    private static void needImage(OnnxNode n, int r) throws OnnxFormatException {
        if (r != 4) throw n.error("input 0 has rank " + r + "; only 2-D images [N,C,H,W] are supported");
    }

    private static void needMatrix(OnnxNode n, int r) throws OnnxFormatException {
        if (r != 2) throw n.error("input 0 has rank " + r + "; only a matrix [N,K] is supported");
    }

    private static int axis(OnnxNode n, long axis, int r) throws OnnxFormatException {
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw n.error("attribute 'axis' is " + axis + ", out of range for rank " + r);
        return (int) a;
    }

    private static long[] pair(OnnxNode n, String attribute, int length) throws OnnxFormatException {
        long[] v = n.getInts(attribute);
        if (v.length != length) throw n.error("attribute " + Names.quote(attribute) + " has " + v.length + " values; " + length + " expected (2-D)");
        for (long e : v) if (e < 0 || e > Integer.MAX_VALUE) throw n.error("attribute " + Names.quote(attribute) + " is " + Arrays.toString(v));
        return v;
    }

    private static Op.Size2 size2(OnnxNode n, String attribute) throws OnnxFormatException {
        if (!n.has(attribute)) return Op.Size2.ONE;
        long[] v = pair(n, attribute, 2);
        return new Op.Size2((int) v[0], (int) v[1]);
    }

    private static Op.Size2 kernel(OnnxNode n) throws OnnxFormatException {
        long[] v = pair(n, "kernel_shape", 2);
        return new Op.Size2((int) v[0], (int) v[1]);
    }

    private static void kernelMatches(OnnxNode n, int[] w) throws OnnxFormatException {
        if (n.has("kernel_shape")) {
            long[] k = pair(n, "kernel_shape", 2);
            if (k[0] != w[2] || k[1] != w[3]) throw n.error("attribute 'kernel_shape' is " + Arrays.toString(k) + " but the weight is " + Arrays.toString(w));
        }
    }

    /** ONNX pads [x1_begin, x2_begin, x1_end, x2_end] = top, left, bottom, right. */
    private static Op.Pads pads(OnnxNode n) throws OnnxFormatException {
        if (!n.has("pads")) return Op.Pads.NONE;
        long[] p = pair(n, "pads", 4);
        return new Op.Pads((int) p[0], (int) p[1], (int) p[2], (int) p[3]);
    }

    private static Op.AutoPad autoPad(OnnxNode n) throws OnnxFormatException {
        String s = n.getString("auto_pad", "NOTSET");
        try {
            return Op.AutoPad.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw n.error("attribute 'auto_pad' is " + Names.quote(s) + "; NOTSET, SAME_UPPER, SAME_LOWER or VALID expected");
        }
    }

    /**
     * Reshape's shape input must be [N, features] ([0 | -1 | N, F | -1], at most one -1): the features,
     * or -1 for "all the input's values per image". (Not looked up here: that took a graph build per
     * Reshape, quadratic in a file of many.)
     */
    private int reshapeFeatures(OnnxNode n) throws OnnxFormatException {
        OnnxTensor s = constant(n, 1);
        if (s.dataType() != DataType.INT64) throw n.error("input 1 (the shape) is " + s.dataType() + "; INT64 is needed");
        long[] shape = s.longs();
        String refused = "input 1 (the shape) is " + Arrays.toString(shape) + "; only [N, features] is supported";
        if (shape.length != 2) throw n.error(refused);
        boolean allowZero = n.getInt("allowzero", 0) != 0;
        boolean batchOk = shape[0] == -1 && shape[1] != -1 || shape[0] == 0 && !allowZero || shape[0] > 0 && shape[0] == declaredBatch;
        if (!batchOk || shape[1] < -1 || shape[1] == 0) throw n.error(refused);
        if (shape[1] > Integer.MAX_VALUE) throw n.error(refused);
        return (int) shape[1];
    }
}
