package dev.mcdrop.scripts;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/gpu/summarize.py turns device-check.sh's raw outputs into issue 3's verdicts; the GPU session
 * will read its ratios instead of the logs, so they are checked here on outputs with known numbers:
 * the FP32 ratio, the "fastest mode within 0.05 points" rule (a faster mode whose error moved must
 * not count), chunk invariance and a failed comparison.
 */
class SummarizeScriptTest {
    private static String eval(String backend, double mc, double std, double seconds) {
        return String.format(java.util.Locale.ROOT, "{\"model\":\"lenet-all\",\"images\":10000,\"samples\":100,\"seed\":42,"
                + "\"standard_error_percent\":%.4f,\"mc_error_percent\":%.4f,\"backend\":\"%s\",\"seconds\":%.3f}%n", std, mc, backend, seconds);
    }

    private static String bench(int passes, String extra) {
        return "model lenet-all, backend cuda: NVIDIA H100 80GB HBM3, T=100, B=10000, images 10000, chunk 40000 columns, workspace 9000 MiB\n"
                + "median " + passes + " stochastic image-passes/s (min 1, max 2), 12345.6 GFLOP/s in the sampled layers\n" + extra;
    }

    private static String torch(String precision, double passes, double mc) {
        return String.format(java.util.Locale.ROOT, "{\"tool\": \"pytorch 2.9\", \"precision\": \"%s\", \"images\": 10000, \"samples\": 100, "
                + "\"passes_per_s\": %.1f, \"mc_error_percent\": %.2f}%n", precision, passes, mc);
    }

    @Test
    void verdictsFromKnownOutputs(@TempDir Path raw) throws Exception {
        assumeTrue(ScriptsParseTest.available("python3"), "python3 not found");
        Files.writeString(raw.resolve("junit-cuda.out"), "[        17 tests successful      ]\n[         0 tests failed          ]\n");
        Files.writeString(raw.resolve("eval-cuda-fp32.out"), eval("cuda", 0.54, 1.22, 2.0));
        Files.writeString(raw.resolve("eval-cuda-fp32-small-chunks.out"), eval("cuda", 0.54, 1.22, 9.0)); // only the time differs
        Files.writeString(raw.resolve("eval-cpu.out"), eval("cpu", 0.54, 1.22, 90.0));
        Files.writeString(raw.resolve("eval-cuda-tf32.out"), eval("cuda", 0.57, 1.22, 1.0));   // within 0.05
        Files.writeString(raw.resolve("eval-cuda-bf16.out"), eval("cuda", 0.62, 1.30, 1.0));   // moved 0.08: must not count
        Files.writeString(raw.resolve("bench-cuda-fp32.out"), bench(3_500_000,
                "  = 25.00 % of the device's published peak for its GEMM precision (67.0 TFLOP/s)\n"
                        + "compare with cpu on 100 images: max |MC mean prob diff| 2e-05, max |standard prob diff| 3e-05\n"));
        Files.writeString(raw.resolve("bench-cuda-tf32.out"), bench(5_000_000, ""));
        Files.writeString(raw.resolve("bench-cuda-bf16.out"), bench(9_000_000, ""));
        Files.writeString(raw.resolve("bench-cuda-fp32-implicit.out"), bench(4_000_000, ""));
        Files.writeString(raw.resolve("torch-fp32.out"), torch("fp32", 1_000_000, 0.55));
        Files.writeString(raw.resolve("torch-tf32.out"), torch("tf32", 1_250_000, 0.56));
        Files.writeString(raw.resolve("torch-bf16.out"), torch("bf16", 2_000_000, 0.58));
        String out = summarize(raw);
        assertTrue(out.contains("17 successful, 0 failed/aborted/skipped: **pass**"), out);
        assertTrue(out.contains("MC error 0.54 vs 0.54 %, standard 1.22 vs 1.22 %: **same**"), out);
        assertTrue(out.contains("standard 3.00e-05 (limit 1e-5): **OUTSIDE**"), out);
        assertTrue(out.contains("chunk invariance (64 MB budget vs default): **identical**"), out);
        // the implicit kernel is faster, but printed no --compare-cpu line: it does not count as strict FP32
        assertTrue(out.contains("strict FP32: mcdrop 3,500,000 (fp32) vs PyTorch 1,000,000 passes/s = **3.50x** (goal 3x: met)"), out);
        // bf16 is faster but its MC error moved 0.08 points: tf32 is mcdrop's fastest counting mode; PyTorch's is bf16 (+0.03)
        assertTrue(out.contains("| mcdrop | bf16 | 9,000,000 | 0.62 | no (error moved) |"), out);
        assertTrue(out.contains("mcdrop tf32 5,000,000 vs PyTorch bf16 2,000,000 passes/s = **2.50x** (goal 3x: not met)"), out);
        assertTrue(out.contains("= 25.00 % of the published 67.0 TFLOP/s"), out);
        assertTrue(out.contains("**implicit** is faster"), out);

        // With its --compare-cpu within limits the implicit kernel is mcdrop's strict-FP32 figure, and FP16
        // tensor-core convolutions (fp16-implicit) are a fastest mode like any other under the 0.05-point rule.
        Files.writeString(raw.resolve("bench-cuda-fp32-implicit.out"), bench(4_000_000,
                "compare with cpu on 100 images: max |MC mean prob diff| 2e-07, max |standard prob diff| 3e-07\n"));
        Files.writeString(raw.resolve("eval-cuda-fp16.out"), eval("cuda", 0.56, 1.22, 1.0));
        Files.writeString(raw.resolve("bench-cuda-fp16.out"), bench(6_000_000, ""));
        Files.writeString(raw.resolve("eval-cuda-fp16-implicit.out"), eval("cuda", 0.55, 1.21, 1.0));
        Files.writeString(raw.resolve("bench-cuda-fp16-implicit.out"), bench(7_000_000, ""));
        String again = summarize(raw);
        assertTrue(again.contains("strict FP32: mcdrop 4,000,000 (fp32-implicit) vs PyTorch 1,000,000 passes/s = **4.00x**"), again);
        assertTrue(again.contains("| mcdrop | fp16-implicit | 7,000,000 | 0.55 | yes |"), again);
        assertTrue(again.contains("mcdrop fp16-implicit 7,000,000 vs PyTorch bf16 2,000,000 passes/s = **3.50x** (goal 3x: met)"), again);
        assertTrue(again.contains("convolution path (fp16): im2col 6,000,000 vs implicit 7,000,000 passes/s: **implicit** is faster"), again);
        // another batch size is another measurement of the same mode: the faster one is taken, and says so
        Files.writeString(raw.resolve("bench-cuda-fp16-implicit-b500.out"), bench(8_000_000, ""));
        String third = summarize(raw);
        assertTrue(third.contains("| mcdrop | fp16-implicit (batch 500) | 8,000,000 | 0.55 | yes |"), third);
        assertTrue(third.contains("mcdrop fp16-implicit (batch 500) 8,000,000 vs PyTorch bf16 2,000,000 passes/s = **4.00x**"), third);
    }

    private static String summarize(Path raw) throws Exception {
        Process p = new ProcessBuilder("python3", "scripts/gpu/summarize.py", raw.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
