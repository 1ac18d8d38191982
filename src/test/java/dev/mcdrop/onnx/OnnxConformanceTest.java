package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link OnnxImport} against ONNX's own expected outputs ({@link OnnxConformance}): every backend
 * test of ONNX 1.12 (node, pytorch-converted, pytorch-operator) either imports and reproduces every
 * data set through the float64 reference executor, or is refused with a one-line reason. Fails on
 * any wrong value or unexpected exception, on a refusal of a supported operator that does not name
 * an attribute, input, output or the opset, and when fewer than a floor of cases pass (so an
 * importer that refuses everything cannot pass). The bundled cases run always.
 */
class OnnxConformanceTest {
    static final Path SUITE = Path.of("/usr/share/libonnx-testdata/data");

    @Test
    void onnxBackendSuite() throws IOException {
        assumeTrue(Files.isDirectory(SUITE.resolve("node")), "ONNX backend test data absent: apt install libonnx-testdata");
        OnnxConformance.Tally tally = new OnnxConformance.Tally();
        for (String dir : List.of("node", "pytorch-converted", "pytorch-operator")) {
            for (Path c : OnnxConformance.cases(SUITE.resolve(dir))) tally.add(OnnxConformance.run(c));
        }
        System.out.println("ONNX 1.12 backend suite: " + tally);
        tally.refusals.forEach((k, v) -> System.out.println("  REFUSED " + v + "  " + k));
        var passed = new java.util.TreeMap<String, Integer>();
        tally.of(OnnxConformance.Outcome.PASS).forEach(r -> passed.merge(r.opType(), 1, Integer::sum));
        System.out.println("  PASS by operator: " + passed);
        assertEquals(List.of(), tally.of(OnnxConformance.Outcome.FAIL), "failures");
        assertEquals(List.of(), unexplained(tally), "supported operators refused for a reason not in ACCEPTED_REASONS");
        List<OnnxConformance.Result> lstm = tally.results.stream().filter(r -> r.opType().equals("LSTM")).toList();
        assertTrue(!lstm.isEmpty() && lstm.stream().allMatch(r -> r.outcome() == OnnxConformance.Outcome.REFUSED
                && r.detail().contains("model.onnx: graph.node[0] (LSTM): operator not supported by mcdrop (supported: Conv, Gemm,")), lstm.toString());
        assertTrue(tally.count(OnnxConformance.Outcome.PASS) >= PASS_FLOOR, "only " + tally + "; at least " + PASS_FLOOR + " should pass");
    }

    /** The count on ONNX 1.12's data (fixed): fewer means the importer or the executor lost an operator or attribute. */
    static final int PASS_FLOOR = 101;

    @Test
    void bundledCases() throws IOException {
        OnnxConformance.Tally tally = new OnnxConformance.Tally();
        for (String dir : List.of("node", "pytorch-converted")) {
            for (Path c : OnnxConformance.cases(OnnxBundledCasesTest.bundled().resolve(dir))) tally.add(OnnxConformance.run(c));
        }
        tally.results.forEach(r -> System.out.println("  " + r.outcome() + " " + r.testCase() + ": " + r.detail()));
        assertEquals(List.of(), tally.of(OnnxConformance.Outcome.FAIL), "failures");
        assertEquals(List.of(), unexplained(tally));
        assertEquals(9, tally.count(OnnxConformance.Outcome.PASS), tally.toString()); // the 2 refused: no runtime input; UINT8
    }

    /**
     * Why a supported operator may be refused: the data's rank or element type is outside what
     * mcdrop runs, an attribute value is unsupported, an extra output is asked for, or an operand
     * is a constant where a computed tensor is needed. Anything else is a defect.
     */
    static final List<String> ACCEPTED_REASONS = List.of(
            "; [N,C,H,W], [N,A,B] or [N,F] is needed", // input rank (scalars, [N], 5-D)
            "; only 2-D images [N,C,H,W] are supported", // 1-D and 3-D convolutions, pools, batch norms
            "; only a matrix [N,K] is supported",     // a batched (rank > 2) Gemm / MatMul
            "FLOAT tensor is needed", "; FLOAT is needed", // element type
            "attribute '",                           // an attribute value outside what the graph supports
            "is not supported (only the first output is computed)",
            "is a constant; it must be computed from the image input",
            "a matrix [N,K] is needed",
            "; only [N, features] is supported",     // Reshape to any other shape              // a batched (rank > 2) MatMul
            "mcdrop runs graphs with exactly one image input"); // e.g. a lone Constant

    /** Refusals of a supported single-node op for a reason not in {@link #ACCEPTED_REASONS}. */
    static List<OnnxConformance.Result> unexplained(OnnxConformance.Tally tally) {
        return tally.of(OnnxConformance.Outcome.REFUSED).stream()
                .filter(r -> OnnxImport.SUPPORTED.contains(r.opType()))
                .filter(r -> ACCEPTED_REASONS.stream().noneMatch(r.detail()::contains))
                .toList();
    }
}
