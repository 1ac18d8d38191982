package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.io.WeightsFormatException;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph files ({@link GraphModels}, {@link GraphJson}): write → read gives the same graph (nodes,
 * attributes, initializers, outputs, transform) and the same float64 reference outputs, standard
 * and MC, for a graph holding every operator and every kind of attribute value (asymmetric pads,
 * ceil mode, an open Clip side, explicit and implicit mask indices, per-channel dropout, a scalar
 * initializer), for the graph presets and for a chain model; a chain file still loads, as the
 * chain's own graph. The hostile cases each give one line naming the file and the field.
 */
class GraphFilesTest {
    @TempDir Path dir;

    /**
     * Every op and attribute kind, random sizes and weights: a grouped conv block, two pooling
     * branches joined, a dense head. Seed 0 has the fixed sizes the refusal tests edit.
     */
    static GraphModel everyOp(long seed) {
        Random r = new Random(seed);
        boolean fixed = seed == 0;
        int c = fixed ? 4 : 2 * (1 + r.nextInt(3)), m = fixed ? 6 : 2 * (1 + r.nextInt(4));
        int h = fixed ? 6 : 5 + r.nextInt(5), w = fixed ? 6 : 5 + r.nextInt(5);
        int f = fixed ? 5 : 2 + r.nextInt(6), k = fixed ? 4 : 2 + r.nextInt(5);
        Op.Pads convPads = fixed ? new Op.Pads(1, 0, 1, 2) : new Op.Pads(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3));
        Op.Size2 convStrides = fixed ? Op.Size2.ONE : new Op.Size2(1 + r.nextInt(2), 1 + r.nextInt(2));
        int oh = (h + convPads.top() + convPads.bottom() - 3) / convStrides.height() + 1;
        int ow = (w + convPads.left() + convPads.right() - 3) / convStrides.width() + 1;
        Op.Size2 poolKernel = fixed ? new Op.Size2(2, 3) : new Op.Size2(Math.min(oh, 2 + r.nextInt(2)), Math.min(ow, 2 + r.nextInt(2)));
        Op.Pads poolPads = fixed ? new Op.Pads(0, 1, 0, 1) : new Op.Pads(r.nextInt(2), r.nextInt(2), r.nextInt(2), r.nextInt(2));
        List<Initializer> inits = new ArrayList<>(List.of(
                GraphFixtures.random(r, "c1.w", m, c / 2, 3, 3), GraphFixtures.random(r, "c1.b", m),
                GraphFixtures.random(r, "bn.scale", m), GraphFixtures.random(r, "bn.bias", m), GraphFixtures.random(r, "bn.mean", m),
                GraphFixtures.positive(r, "bn.var", m, 0.5, 2), GraphFixtures.random(r, "per_channel", m, 1, 1),
                GraphFixtures.random(r, "g.w", 2 * m, f), GraphFixtures.random(r, "g.c", f), GraphFixtures.random(r, "scalar"),
                GraphFixtures.random(r, "mm.w", f, k)));
        List<Node> nodes = List.of(
                new Node("c1", new Op.Conv(convStrides, convPads, Op.AutoPad.NOTSET, Op.Size2.ONE, 2), List.of("x", "c1.w", "c1.b"), List.of("c1")),
                new Node("bn", new Op.BatchNormalization(1e-3), List.of("c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"), List.of("bn")),
                Node.of("lrelu", new Op.LeakyRelu(0.1), "bn", "lrelu"),
                Node.of("clip", new Op.Clip(Double.NEGATIVE_INFINITY, 0.75), "lrelu", "clip"),
                Node.of("drop", new Op.Dropout(0.3f, true, OptionalInt.of(7)), "clip", "drop"),
                Node.of("mp", new Op.MaxPool(poolKernel, new Op.Size2(2, 1), poolPads, Op.AutoPad.NOTSET, true, Op.Size2.ONE), "drop", "mp"),
                Node.of("ap", new Op.AveragePool(Op.Size2.square(3), Op.Size2.square(2), Op.Pads.all(1), Op.AutoPad.NOTSET, false, true),
                        "clip", "ap"),
                new Node("mulc", new Op.Mul(), List.of("ap", "per_channel"), List.of("mulc")),
                Node.of("gmp", new Op.GlobalMaxPool(), "mp", "gmp"),
                Node.of("gap", new Op.GlobalAveragePool(), "mulc", "gap"),
                new Node("cat", new Op.Concat(), List.of("gmp", "gap"), List.of("cat")),
                Node.of("flat", new Op.Flatten(), "cat", "flat"),
                new Node("gemm", new Op.Gemm(false, 0.5, 2.0), List.of("flat", "g.w", "g.c"), List.of("gemm")),
                Node.of("sig", new Op.Sigmoid(), "gemm", "sig"),
                Node.of("tanh", new Op.Tanh(), "gemm", "tanh"),
                new Node("add", new Op.Add(), List.of("sig", "tanh"), List.of("add")),
                new Node("sub", new Op.Sub(), List.of("add", "scalar"), List.of("sub")),
                Node.of("gelu", new Op.Gelu(), "sub", "gelu"),
                Node.of("drop2", new Op.Dropout(0.1f, false), "gelu", "drop2"),
                new Node("mm", new Op.MatMul(), List.of("drop2", "mm.w"), List.of("mm")),
                Node.of("relu", new Op.Relu(), "mm", "relu"),
                Node.of("id", new Op.Identity(), "relu", "id"),
                Node.of("rs", new Op.Reshape(k), "id", "rs"),
                Node.of("sm", new Op.Softmax(-1), "rs", "sm"));
        Graph g = new Graph("every op", new GraphInput("x", new Shape(c, h, w)), inits, nodes, List.of("sm"));
        float[] mean = new float[c], std = new float[c];
        for (int i = 0; i < c; i++) {
            mean[i] = fixed ? new float[]{0.1f, 0.2f, 0.3f, 0.4f}[i] : r.nextFloat();
            std[i] = fixed ? new float[]{1f, 2f, 0.5f, 0.25f}[i] : 0.1f + r.nextFloat();
        }
        return new GraphModel("every op", g, new InputTransform(0.5f, mean, std), Map.of("note", "kept"));
    }

    static Weights randomChain(String preset, long seed) {
        var net = Presets.get(preset).compile();
        Random r = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (ParamSpec p : net.params()) t.put(p.tensorName(), GraphFixtures.randomFloats(r, p.elements()));
        return new Weights(net, t, Map.of());
    }

    /** Same structure, same values (as doubles), same outputs of the reference executor on random images, standard and MC. */
    static void assertSameModel(GraphModel expected, GraphModel actual) {
        Graph a = expected.graph(), b = actual.graph();
        assertEquals(a.name(), b.name());
        assertEquals(expected.name(), actual.name());
        assertEquals(a.input(), b.input());
        assertEquals(a.nodes(), b.nodes());
        assertEquals(a.outputs(), b.outputs());
        assertEquals(expected.transform(), actual.transform());
        assertEquals(a.initializers().stream().map(Initializer::name).toList(), b.initializers().stream().map(Initializer::name).toList());
        for (Initializer i : a.initializers()) {
            assertArrayEquals(i.dims(), b.initializer(i.name()).dims(), i.name());
            assertArrayEquals(i.toDoubles(), b.initializer(i.name()).toDoubles(), i.name());
        }
        for (Node n : a.nodes()) if (n.op() instanceof Op.Dropout) assertEquals(a.maskIndex(n), b.maskIndex(b.node(n.name())));
        Random r = new Random(5);
        double[][] images = new double[1][(int) a.input().tensorShape().elements()];
        for (double[] im : images) for (int k = 0; k < im.length; k++) im[k] = r.nextDouble();
        long[] keys = {77};
        var x = new ReferenceGraphExecutor(a);
        var y = new ReferenceGraphExecutor(b);
        for (var pass : List.of(ReferenceGraphExecutor.Pass.standard(), ReferenceGraphExecutor.Pass.mc(11, 4))) {
            double[][][] p = x.run(images, keys, pass), q = y.run(images, keys, pass);
            for (int i = 0; i < images.length; i++) assertArrayEquals(p[0][i], q[0][i], pass + " image " + i);
        }
    }

    @Test
    void everyOpRoundTripsThroughJsonAndFile() throws IOException {
        for (long seed = 0; seed < 6; seed++) everyOpRoundTrips(seed);
    }

    private void everyOpRoundTrips(long seed) throws IOException {
        GraphModel m = everyOp(seed);
        String json = GraphJson.toJson(m);
        assertTrue(json.contains("\"min\": \"-Infinity\""), json);
        assertTrue(json.contains("\"maskIndex\": 7"), json);
        GraphJson.Structure s = GraphJson.parse(json, "test");
        List<Initializer.Values> values = new ArrayList<>();
        for (GraphJson.TensorSpec t : s.initializers()) values.add(m.graph().initializer(t.name()).values());
        assertSameModel(m, s.build(values, m.metadata()));
        assertEquals(json, GraphJson.toJson(s.build(values, m.metadata())), "written again, the same text");

        Path f = dir.resolve("every-" + seed + ".safetensors");
        GraphModels.save(m, f);
        GraphModel back = GraphModels.load(f);
        assertSameModel(m, back);
        assertEquals("kept", back.metadata().get("note"));
        assertFalse(back.metadata().containsKey(GraphModels.GRAPH_KEY));
    }

    @Test
    void namesWithQuotesControlCharactersAndUnicodeRoundTrip() throws IOException {
        String in = "in\"put\n", relu = "re,lu\": {x}\u2028", w = "w\\eight ü 🙂";
        Random r = new Random(8);
        Graph g = new Graph("n\"ame", new GraphInput(in, new Shape(3, 2, 2)), List.of(GraphFixtures.random(r, w, 12, 3)),
                List.of(Node.of(relu, new Op.Relu(), in, relu), Node.of("flat", new Op.Flatten(), relu, "flat"),
                        new Node("\u0000", new Op.MatMul(), List.of("flat", w), List.of("out"))), List.of("out"));
        GraphModel m = new GraphModel(g.name(), g, InputTransform.RAW, Map.of());
        Path f = dir.resolve("names.safetensors");
        GraphModels.save(m, f);
        assertSameModel(m, GraphModels.load(f));
    }

    @Test
    void presetsRoundTripAndFoldedGraphsRoundTripToFloat() throws IOException {
        for (String name : GraphPresets.names()) {
            GraphModel m = GraphPresets.random(name, 42);
            Path f = dir.resolve(name + ".safetensors");
            GraphModels.save(m, f);
            assertSameModel(m, GraphModels.load(f));
            // a folded graph holds float64 initializers: saved as F32, each value rounded once
            GraphModel folded = m.withGraph(Folding.foldBatchNorm(m.graph()));
            GraphModels.save(folded, f);
            Graph back = GraphModels.load(f).graph();
            assertEquals(folded.graph().nodes(), back.nodes());
            for (Initializer i : folded.graph().initializers()) {
                double[] d = i.toDoubles(), e = back.initializer(i.name()).toDoubles();
                for (int k = 0; k < d.length; k++) assertEquals((float) d[k], e[k], name + " " + i.name());
            }
        }
    }

    @Test
    void chainFilesStillLoadAndBecomeGraphFilesWithTheirMasks() throws IOException {
        for (String preset : List.of("lenet-all", "lenet-ip", "keras-cnn-mc")) {
            Weights w = randomChain(preset, 9);
            Path chain = dir.resolve(preset + ".safetensors");
            WeightsFile.save(w, chain, Map.of("trained", "no"));
            GraphModel loaded = GraphModels.load(chain);
            assertSameModel(GraphModel.fromChain(w), loaded);
            assertEquals("no", loaded.metadata().get("trained"));
            // a plain state_dict with the architecture given
            Path plain = dir.resolve(preset + "-plain.safetensors");
            List<NamedTensor> tensors = new ArrayList<>();
            w.tensors().forEach((k, v) -> tensors.add(new NamedTensor(k, w.network().params().stream()
                    .filter(p -> p.tensorName().equals(k)).findFirst().orElseThrow().shape(), v)));
            SafeTensorsWriter.write(plain, Map.of(), tensors);
            assertSameModel(GraphModel.fromChain(w), GraphModels.load(plain, Presets.get(preset)));
            // saved as a graph file: no architecture key any more, the same explicit (chain) mask indices
            Path graph = dir.resolve(preset + "-graph.safetensors");
            GraphModels.save(loaded, graph);
            GraphModel again = GraphModels.load(graph);
            assertFalse(again.metadata().containsKey(WeightsFile.ARCHITECTURE_KEY));
            assertSameModel(loaded, again);
        }
    }

    // ---------------------------------------------------------------- refusals

    private String refusal(String json) {
        GraphException e = assertThrows(GraphException.class, () -> GraphJson.parse(json, "f.safetensors __metadata__.mcdrop.graph"));
        assertTrue(e.getMessage().startsWith("f.safetensors __metadata__.mcdrop.graph: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** Parse and build with the model's own values: refusals from the graph checks. */
    private String buildRefusal(String json, GraphModel m) {
        GraphException e = assertThrows(GraphException.class, () -> {
            GraphJson.Structure s = GraphJson.parse(json, "g.json");
            List<Initializer.Values> values = new ArrayList<>();
            for (GraphJson.TensorSpec t : s.initializers()) values.add(m.graph().initializer(t.name()).values());
            s.build(values, Map.of());
        });
        assertTrue(e.getMessage().startsWith("g.json: "), e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String part) { assertTrue(message.contains(part), message); }

    @Test
    void malformedJsonIsRefusedNamingTheField() {
        String ok = GraphJson.toJson(everyOp(0));
        contains(refusal(ok.replace("\"version\": 1", "\"version\": 1, \"extra\": 0")), "unknown field 'extra'");
        contains(refusal(ok.replace("\"version\": 1", "\"version\": 2")), "field 'version' is 2");
        contains(refusal(ok.replace("\"format\": \"mcdrop-graph\"", "\"format\": \"onnx\"")), "field 'format'");
        contains(refusal(ok.replace("\"op\": \"Gelu\"", "\"op\": \"GELU\"")), "node 17 ('gelu'): unknown op 'GELU'");
        contains(refusal(ok.replace("\"group\": 2", "\"group\": 2.5")), "node 0 ('c1') Conv attributes: field 'group' must be an integer");
        contains(refusal(ok.replace("\"group\": 2", "\"groups\": 2")), "unknown field 'groups'");
        contains(refusal(ok.replace(", \"group\": 2", "")), "field 'group' is missing");
        contains(refusal(ok.replace("\"strides\": [1, 1]", "\"strides\": [1]")), "field 'strides' must be [height, width]");
        contains(refusal(ok.replace("\"ceilMode\": true", "\"ceilMode\": 1")), "field 'ceilMode' must be true or false");
        contains(refusal(ok.replace("\"min\": \"-Infinity\"", "\"min\": \"-inf\"")), "field 'min' must be a number");
        contains(refusal(ok.replace("\"shape\": [6, 2, 3, 3]", "\"shape\": [65536, 65536, 65536]")), "at most 268435456");
        contains(refusal(ok.replace("\"shape\": [6, 2, 3, 3]", "\"shape\": [6, -2, 3, 3]")), "integers >= 0");
        contains(refusal(ok.replace("\"scale\": 0.5", "\"scale\": -1")), "field 'transform'");
        contains(refusal(ok.replace("\"version\": 1", "\"version\": 1, \"version\": 1")), "Duplicate field 'version'");
        contains(refusal(ok + "{}"), "unexpected text after the end");
        contains(refusal("[]"), "must be a JSON object");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= GraphLimits.MAX_NODES; i++) many.append(i == 0 ? "{}" : ",{}");
        contains(refusal(ok.replaceFirst("\"nodes\": \\[", "\"nodes\": [" + many + ",")), "entries; at most 65536 are supported");
    }

    @Test
    void inconsistentGraphsAreRefusedByTheGraphChecksNamingTheSource() {
        GraphModel m = everyOp(0);
        String ok = GraphJson.toJson(m);
        // a cycle: the conv reads the last node's output
        contains(buildRefusal(ok.replace("\"inputs\": [\"x\", \"c1.w\"", "\"inputs\": [\"sm\", \"c1.w\""), m), "not in topological order or form a cycle");
        contains(buildRefusal(ok.replace("\"ratio\": 0.3", "\"ratio\": 1.5"), m), "ratio must be in [0, 1)");
        contains(buildRefusal(ok.replace("\"maskIndex\": 7", "\"maskIndex\": 1"), m), "mask index 1");
        contains(buildRefusal(ok.replace("\"mean\": [0.1, 0.2, 0.3, 0.4]", "\"mean\": [0.1, 0.2, 0.3]"), m), "mean has 3 and std 4");
    }

    private Path file(String name, Map<String, String> meta, List<NamedTensor> tensors) throws IOException {
        Path f = dir.resolve(name);
        SafeTensorsWriter.write(f, meta, tensors);
        return f;
    }

    private List<NamedTensor> tensorsOf(GraphModel m) {
        List<NamedTensor> out = new ArrayList<>();
        for (Initializer i : m.graph().initializers()) out.add(new NamedTensor(i.name(), i.dims(), ((Initializer.Floats) i.values()).data().clone()));
        return out;
    }

    private String fileRefusal(Path f) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> GraphModels.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndTensor() throws IOException {
        GraphModel m = everyOp(0);
        Map<String, String> meta = Map.of(GraphModels.GRAPH_KEY, GraphJson.toJson(m));
        List<NamedTensor> good = tensorsOf(m);
        assertSameModel(m, GraphModels.load(file("good.safetensors", meta, good)));

        List<NamedTensor> missing = new ArrayList<>(good);
        missing.removeIf(t -> t.name().equals("bn.var"));
        contains(fileRefusal(file("missing.safetensors", meta, missing)), "tensor 'bn.var' (an initializer of graph 'every op') is missing");

        List<NamedTensor> extra = new ArrayList<>(good);
        extra.add(new NamedTensor("stray", new int[]{2}, new float[2]));
        contains(fileRefusal(file("extra.safetensors", meta, extra)), "['stray'] are not initializers");

        List<NamedTensor> reshaped = new ArrayList<>(good);
        reshaped.replaceAll(t -> t.name().equals("g.w") ? new NamedTensor("g.w", new int[]{5, 12}, t.data()) : t);
        contains(fileRefusal(file("shape.safetensors", meta, reshaped)), "tensor 'g.w': shape [5, 12], but the graph declares [12, 5]");

        List<NamedTensor> nan = tensorsOf(m);
        nan.stream().filter(t -> t.name().equals("c1.b")).findFirst().orElseThrow().data()[3] = Float.NaN;
        contains(fileRefusal(file("nan.safetensors", meta, nan)), "tensor 'c1.b': element 3 is NaN");

        Map<String, String> both = new LinkedHashMap<>(meta);
        both.put(WeightsFile.ARCHITECTURE_KEY, "{}");
        contains(fileRefusal(file("both.safetensors", both, good)), "holds both 'mcdrop.graph' and 'architecture'");
        contains(fileRefusal(file("neither.safetensors", Map.of(), good)), "no 'mcdrop.graph' or 'architecture' in __metadata__");
        contains(fileRefusal(file("bad-json.safetensors", Map.of(GraphModels.GRAPH_KEY, "{\"format\": 1}"), good)),
                "__metadata__.mcdrop.graph: field 'format' must be a string");
        // graph errors found when building (a Conv reading the wrong tensor) name the file too
        contains(fileRefusal(file("bad-graph.safetensors", Map.of(GraphModels.GRAPH_KEY,
                GraphJson.toJson(m).replace("[\"x\", \"c1.w\", \"c1.b\"]", "[\"x\", \"c1.b\", \"c1.w\"]")), good)), "node 'c1' (Conv)");
        Path g = file("arch.safetensors", meta, good);
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> GraphModels.load(g, Presets.get("lenet-all")));
        contains(e.getMessage(), "applies only to chain files");
    }
}
