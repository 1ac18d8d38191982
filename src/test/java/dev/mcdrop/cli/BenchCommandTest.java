package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mcdrop bench}: the batch it reports is the one it ran (never more than the images), its
 * median is the median (the mean of the two middle runs for an even count), and {@code --json}
 * gives every run and the settings as one JSON object.
 */
class BenchCommandTest {
    private static final String[] SMALL = {"bench", "--samples", "2", "--warmup", "0", "--backend", "cpu", "--threads", "1"};

    private static String[] args(String... more) {
        List<String> all = new ArrayList<>(List.of(SMALL));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** 1,000 random 4096×4096 images are 16 GiB (the byte count passed an int: "integer overflow"): bench draws what fits. */
    @Test
    void largeInputsGetAsManyRandomImagesAsFitTheCap() throws Exception {
        var big = BenchCommand.benchImages(new dev.mcdrop.model.Shape(1, 4096, 4096));
        assertEquals(BenchCommand.RANDOM_PIXEL_BYTES / (4096L * 4096), big.count());
        assertEquals(1000, BenchCommand.benchImages(new dev.mcdrop.model.Shape(3, 32, 32)).count());
    }

    @Test
    void reportsTheBatchItRan() {
        CliTest.Run r = CliTest.run(args("--images", "100", "--repeat", "1"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(", B=100, images 100,"), r.out());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        CliTest.Run r = CliTest.run(args("--images", "50", "--repeat", "2"));
        assertEquals(0, r.exit(), r.err());
        List<Double> runs = new ArrayList<>();
        Matcher m = Pattern.compile("run \\d+: [\\d.]+ s, (\\d+) passes/s").matcher(r.out());
        while (m.find()) runs.add(Double.parseDouble(m.group(1)));
        assertEquals(2, runs.size(), r.out());
        Matcher median = Pattern.compile("median (\\d+) stochastic image-passes/s").matcher(r.out());
        assertTrue(median.find(), r.out());
        // printed to the unit: the mean of two rounded rates is within 1 of the rounded mean
        assertEquals((runs.get(0) + runs.get(1)) / 2, Double.parseDouble(median.group(1)), 1.0, r.out());
    }

    @Test
    void medianOfSortedValues() {
        assertEquals(2.5, BenchCommand.median(new double[] {1, 2, 3, 10}));
        assertEquals(3, BenchCommand.median(new double[] {1, 3, 10}));
        assertEquals(7, BenchCommand.median(new double[] {7}));
    }

    @Test
    void jsonHoldsEveryRunTheStatisticsTheMachineAndTheSettings() throws Exception {
        CliTest.Run r = CliTest.run(args("--images", "30", "--batch", "20", "--repeat", "4", "--seed", "9", "--json"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "one JSON object on stdout, nothing else:\n" + r.out());
        JsonNode n = new ObjectMapper().readTree(r.out());
        JsonNode runs = n.get("runs");
        assertEquals(4, runs.size(), r.out());
        double[] rates = new double[4];
        for (int i = 0; i < 4; i++) {
            double seconds = runs.get(i).get("seconds").asDouble();
            rates[i] = runs.get(i).get("passes_per_second").asDouble();
            assertTrue(seconds > 0, r.out());
            assertEquals(30 * 2 / seconds, rates[i], rates[i] * 1e-9, r.out());
        }
        java.util.Arrays.sort(rates);
        assertEquals((rates[1] + rates[2]) / 2, n.get("median_passes_per_second").asDouble(), 1e-9 * rates[3], r.out());
        assertEquals(rates[0], n.get("min_passes_per_second").asDouble(), 1e-9 * rates[3]);
        assertEquals(rates[3], n.get("max_passes_per_second").asDouble(), 1e-9 * rates[3]);
        assertTrue(n.get("gflops_per_second").asDouble() > 0, r.out());

        JsonNode machine = n.get("machine");
        assertEquals(Runtime.getRuntime().availableProcessors(), machine.get("cores").asInt());
        assertEquals(Runtime.version().toString(), machine.get("java").asText());
        assertFalse(machine.get("cpu").asText().isBlank());

        JsonNode s = n.get("settings");
        assertEquals("lenet-all", s.get("model").asText());
        assertEquals("cpu", s.get("backend").asText());
        assertTrue(s.get("backend_description").asText().startsWith("cpu ("), r.out());
        assertEquals(2, s.get("samples").asInt());
        assertEquals(20, s.get("batch").asInt());
        assertEquals(30, s.get("images").asInt());
        assertEquals(9, s.get("seed").asLong());
        assertEquals(1, s.get("threads").asInt());
        assertEquals("fp32", s.get("gemm_precision").asText());
        assertEquals("im2col", s.get("conv").asText());
        assertEquals(0, s.get("warmup").asInt());
        assertEquals(4, s.get("repeat").asInt());
        assertTrue(s.get("chunk_columns").asInt() > 0, r.out());
    }
}
