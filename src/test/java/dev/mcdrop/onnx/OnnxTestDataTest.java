package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ONNX reader against ONNX 1.12's own backend test data (Debian/Ubuntu package
 * {@code libonnx-testdata}, installed at /usr/share/libonnx-testdata/data; skipped with a message
 * when absent): every model.onnx in node/, pytorch-converted/, pytorch-operator/, simple/ and
 * real/ must read, with the same result read into the heap and mapped, and every test data set
 * must agree with its graph ({@link DataSetCheck}).
 * A refusal is allowed only for a reason listed in {@link #DOCUMENTED_REFUSALS} (none today:
 * 1,072 of 1,072 models read; real/ holds only download links, no models).
 */
class OnnxTestDataTest {

    static final Path ROOT = Path.of(System.getProperty("mcdrop.onnx.testdata", "/usr/share/libonnx-testdata/data"));
    private static final List<String> DIRS = List.of("node", "pytorch-converted", "pytorch-operator", "simple", "real");

    /** Substrings of refusal messages that are by design (see docs/ONNX.md). Empty: no model of the suite is refused. */
    private static final List<String> DOCUMENTED_REFUSALS = List.of();

    private static void assumeInstalled() {
        assumeTrue(Files.isDirectory(ROOT.resolve("node")),
                "ONNX backend test data not found at " + ROOT + ": install it with `apt install libonnx-testdata` (skipped)");
    }

    private static List<Path> cases(String dir) throws IOException {
        Path d = ROOT.resolve(dir);
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        }
    }

    @Test
    void everyModelReads() throws IOException {
        assumeInstalled();
        Map<String, int[]> perDir = new TreeMap<>(); // dir -> {read, refused-by-design}
        List<String> failures = new ArrayList<>();
        int total = 0;
        for (String dir : DIRS) {
            int[] counts = perDir.computeIfAbsent(dir, k -> new int[2]);
            for (Path c : cases(dir)) {
                total++;
                try {
                    OnnxModel m = OnnxFile.read(c.resolve("model.onnx"));
                    assertTrue(m.irVersion() >= 1);
                    assertEquals(ModelText.of(m), ModelText.of(OnnxFile.read(c.resolve("model.onnx"), OnnxFile.Limits.DEFAULT, 0)), "mapped read");
                    counts[0]++;
                } catch (OnnxFormatException e) {
                    if (DOCUMENTED_REFUSALS.stream().anyMatch(e.getMessage()::contains)) counts[1]++;
                    else failures.add(e.getMessage());
                }
            }
        }
        StringBuilder report = new StringBuilder("ONNX backend models: ");
        perDir.forEach((d, c) -> report.append(d).append(' ').append(c[0]).append(" read").append(c[1] > 0 ? ", " + c[1] + " refused by design" : "").append("; "));
        System.out.println(report.append("total ").append(total));
        assertTrue(total > 1000, "expected the 1,072 models of ONNX 1.12's suite, found " + total);
        assertEquals(List.of(), failures, failures.size() + " models refused");
    }

    @Test
    void everyDataSetAgreesWithItsGraph() throws IOException {
        assumeInstalled();
        DataSetCheck.Tally tally = new DataSetCheck.Tally();
        for (String dir : DIRS) {
            for (Path c : cases(dir)) DataSetCheck.check(c, tally);
        }
        System.out.println("ONNX backend data sets: " + tally);
        assertTrue(tally.tensors > 3000, "expected over 3,000 tensors, checked " + tally.tensors);
        assertTrue(tally.quirks.values().stream().mapToInt(Integer::intValue).sum() <= 12, "quirks grew: " + tally.quirks);
        assertEquals(List.of(), tally.failures.stream().limit(20).toList(), tally.failures.size() + " disagreements");
    }
}
