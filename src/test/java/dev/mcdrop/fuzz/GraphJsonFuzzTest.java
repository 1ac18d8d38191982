package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.graph.GraphException;
import dev.mcdrop.graph.GraphJson;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.Initializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the graph JSON reader (graph/GraphJson), the path every graph
 * safetensors file's __metadata__["mcdrop.graph"] takes, and of the graph it builds (Graph's checks,
 * shape inference, the dropout index rule). The input is the JSON text. Contract: parse and build
 * either succeed or throw {@link GraphException} with a clean message naming the source; a graph that
 * builds survives toJson → parse → build unchanged (that is how it is saved). Initializers are
 * zero-filled when the graph holds at most 2²⁰ weights (else only the parse is checked). Any other
 * throwable, a hang or an OutOfMemoryError is a finding. Seeds: GraphJsonFuzzTestInputs/.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GraphJsonFuzzTest {
    private static final String SOURCE = "fuzz.json";

    @FuzzTest(maxDuration = "2m")
    void parseAndBuild(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        GraphJson.Structure s;
        try {
            s = GraphJson.parse(json, SOURCE);
        } catch (GraphException e) {
            FuzzSupport.assertCleanMessage(e, SOURCE);
            return;
        }
        long weights = 0;
        for (GraphJson.TensorSpec t : s.initializers()) weights += t.elements();
        if (weights > 1 << 20) return;
        GraphModel m;
        try {
            m = s.build(zeros(s), Map.of());
        } catch (GraphException e) {
            FuzzSupport.assertCleanMessage(e, SOURCE);
            return;
        }
        String saved = GraphJson.toJson(m);
        GraphModel back;
        try {
            GraphJson.Structure t = GraphJson.parse(saved, "saved");
            back = t.build(zeros(t), Map.of());
        } catch (GraphException e) {
            throw new AssertionError("toJson wrote a graph that parse or build rejects: " + FuzzSupport.escape(saved), e);
        }
        if (!back.graph().nodes().equals(m.graph().nodes()) || !back.transform().equals(m.transform())
                || !back.graph().outputs().equals(m.graph().outputs())) {
            throw new AssertionError("round trip changed the graph: " + FuzzSupport.escape(saved));
        }
    }

    private static List<Initializer.Values> zeros(GraphJson.Structure s) {
        List<Initializer.Values> v = new ArrayList<>();
        for (GraphJson.TensorSpec t : s.initializers()) v.add(new Initializer.Floats(new float[(int) t.elements()]));
        return v;
    }
}
