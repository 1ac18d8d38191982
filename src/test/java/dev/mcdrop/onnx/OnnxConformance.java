package dev.mcdrop.onnx;

import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.ReferenceGraphExecutor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs one ONNX backend test case (model.onnx + test_data_set_N/) through {@link OnnxImport} and
 * the float64 {@link ReferenceGraphExecutor} (standard pass) and compares with ONNX's expected
 * outputs within 1e-5 relative + 1e-6 absolute. The first runtime input is the image; the other
 * runtime inputs (a Conv's W, an Add's second operand) are bound as initializers from the data set,
 * and the batch is run one image at a time, so that operands with a batch dimension (the single-node
 * tests feed [N,…] to both sides of an Add) are sliced to that image. The outcome is PASS, REFUSED
 * (the importer's one-line message) or FAIL (a wrong value, or any other exception).
 */
final class OnnxConformance {
    /** SKIPPED: not comparable (a Dropout told to train draws ONNX's numpy mask, which a standard pass cannot match). */
    enum Outcome { PASS, REFUSED, SKIPPED, FAIL }

    /** Thrown when a data set is not comparable with a standard pass. */
    static final class NotComparable extends Exception {
        NotComparable(String why) { super(why); }
    }

    record Result(String testCase, String opType, Outcome outcome, String detail) {}

    /** Counts per outcome, refusals by reason, failures listed. */
    static final class Tally {
        final Map<Outcome, Integer> counts = new TreeMap<>();
        final Map<String, Integer> refusals = new TreeMap<>();
        final List<Result> results = new ArrayList<>();

        void add(Result r) {
            results.add(r);
            counts.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == Outcome.REFUSED) refusals.merge(r.opType() + ": " + reason(r.detail()), 1, Integer::sum);
        }

        int count(Outcome o) { return counts.getOrDefault(o, 0); }

        List<Result> of(Outcome o) { return results.stream().filter(r -> r.outcome() == o).toList(); }

        @Override public String toString() {
            return "PASS " + count(Outcome.PASS) + ", REFUSED " + count(Outcome.REFUSED) + ", SKIPPED " + count(Outcome.SKIPPED) + ", FAIL " + count(Outcome.FAIL);
        }
    }

    /** The refusal without the file and node: what follows the last "): ", numbers and quoted names blurred. */
    static String reason(String message) {
        int at = message.lastIndexOf("): ");
        String r = at >= 0 ? message.substring(at + 3) : message.substring(message.indexOf(": ") + 2);
        return r.replaceAll("'[^']*'", "'…'").replaceAll("\\[[-0-9, ]*\\]", "[…]").replaceAll("\\d+", "#");
    }

    static List<Path> cases(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        }
    }

    static Result run(Path testCase) {
        String name = testCase.getParent().getFileName() + "/" + testCase.getFileName();
        String opType = "?";
        try {
            OnnxModel model = OnnxFile.read(testCase.resolve("model.onnx"));
            List<OnnxNode> nodes = model.graph().nodes();
            opType = nodes.size() == 1 ? nodes.getFirst().opType() : "(" + nodes.size() + " nodes)";
            List<Path> sets;
            try (Stream<Path> s = Files.list(testCase)) {
                sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList();
            }
            if (sets.isEmpty()) return new Result(name, opType, Outcome.FAIL, "no test_data_set");
            try {
                OnnxImport.fromOnnx(model); // the model as it stands: refusals name the node and attribute
            } catch (OnnxFormatException e) {
                if (model.graph().runtimeInputs().size() <= 1) return new Result(name, opType, Outcome.REFUSED, e.getMessage());
            }
            for (Path set : sets) check(model, set);
            return new Result(name, opType, Outcome.PASS, sets.size() + " data sets");
        } catch (OnnxFormatException e) {
            return new Result(name, opType, Outcome.REFUSED, e.getMessage());
        } catch (NotComparable e) {
            return new Result(name, opType, Outcome.SKIPPED, e.getMessage());
        } catch (AssertionError | RuntimeException | IOException e) {
            return new Result(name, opType, Outcome.FAIL, e.toString());
        }
    }

    private static void check(OnnxModel model, Path set) throws IOException, NotComparable {
        List<OnnxValueInfo> runtime = model.graph().runtimeInputs();
        List<OnnxTensor> given = new ArrayList<>();
        for (int k = 0; k < runtime.size(); k++) given.add(OnnxFile.readTensor(set.resolve("input_" + k + ".pb")));
        OnnxTensor x = given.getFirst();
        if (x.dataType() != DataType.FLOAT) throw x.origin().error("the image is " + x.dataType() + "; FLOAT is needed");
        long[] xd = x.dims();
        if (xd.length < 2 || xd[0] == 0) throw x.origin().error("the image is " + Arrays.toString(xd) + "; [N,C,H,W], [N,A,B] or [N,F] is needed");
        int batch = (int) xd[0];
        int per = (int) (x.elementCount() / Math.max(1, batch));
        float[] xv = x.floats();
        List<OnnxTensor> expected = new ArrayList<>();
        for (int o = 0; o < model.graph().outputs().size(); o++) expected.add(OnnxFile.readTensor(set.resolve("output_" + o + ".pb")));
        for (int i = 0; i < batch; i++) {
            Map<String, OnnxTensor> inits = new LinkedHashMap<>(model.graph().initializers());
            for (int k = 1; k < runtime.size(); k++) {
                OnnxTensor t = given.get(k);
                boolean batched = batch > 1 && t.rank() == xd.length && t.dim(0) == batch;
                inits.put(runtime.get(k).name(), batched ? slice(t, runtime.get(k).name(), i, batch) : rename(t, runtime.get(k).name()));
            }
            OnnxGraph g = model.graph();
            for (OnnxNode n : g.nodes()) {
                if (n.opType().equals("Dropout") && n.inputs().size() > 2 && inits.containsKey(n.inputs().get(2))) {
                    OnnxTensor mode = inits.get(n.inputs().get(2));
                    if (mode.elementCount() == 1 && mode.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != 0) {
                        throw new NotComparable("training_mode is true: the expected output is ONNX's random mask");
                    }
                }
            }
            OnnxModel bound = new OnnxModel(model.file(), model.irVersion(), model.opsetImports(), model.producerName(), model.producerVersion(),
                    new OnnxGraph(g.name(), g.nodes(), inits, g.inputs(), g.outputs(), g.valueInfo(), g.origin()), model.metadata());
            Graph graph = OnnxImport.fromOnnx(bound);
            double[] image = new double[per];
            for (int j = 0; j < per; j++) image[j] = xv[i * per + j];
            double[][][] got = new ReferenceGraphExecutor(graph).run(new double[][]{image}, new long[]{i}, ReferenceGraphExecutor.Pass.standard());
            for (int o = 0; o < expected.size(); o++) {
                float[] want = expected.get(o).floats();
                int outPer = want.length / batch;
                double[] have = got[o][0];
                if (have.length != outPer) {
                    throw new AssertionError(set.getFileName() + " output " + o + " image " + i + ": " + have.length + " values, expected " + outPer
                            + " of " + Arrays.toString(expected.get(o).dims()));
                }
                for (int j = 0; j < outPer; j++) {
                    double e = want[i * outPer + j];
                    if (!(Math.abs(have[j] - e) <= 1e-5 * Math.abs(e) + 1e-6)) {
                        throw new AssertionError(set.getFileName() + " output " + o + " image " + i + " element " + j + ": expected " + e + ", got " + have[j]);
                    }
                }
            }
        }
    }

    private static OnnxTensor rename(OnnxTensor t, String name) {
        return new OnnxTensor(name, t.dims(), t.dataType(), t.storage(), t.data(), t.external(), t.origin());
    }

    /** Image i's slice [1, …] of a batch-shaped operand. */
    private static OnnxTensor slice(OnnxTensor t, String name, int i, int batch) {
        long[] d = t.dims();
        d[0] = 1;
        long bytes = t.data().byteSize() / batch;
        MemorySegment part = t.data().asSlice(i * bytes, bytes);
        return new OnnxTensor(name, d, t.dataType(), OnnxTensor.Storage.RAW_DATA, part, null, t.origin());
    }
}
