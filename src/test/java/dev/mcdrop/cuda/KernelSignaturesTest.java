package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java launchers' argument blocks ({@link KernelSignatures}) match the kernels' parameter
 * lists in the shipped PTX (.u64 ↔ 'p'/'l', .u32/.s32 ↔ 'i', .f32 ↔ 'f'), and every kernel in
 * the PTX is launched by someone. No GPU needed.
 */
class KernelSignaturesTest {
    private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param \\.(\\w+) ");

    @Test
    void javaArgumentTypesMatchPtx() throws Exception {
        Map<String, String> ptxSignatures = new HashMap<>();
        for (var cu : PtxFreshnessTest.cudaSources()) {
            String op = cu.getFileName().toString().replace(".cu", "");
            String ptx = Files.readString(PtxFreshnessTest.PTX.resolve(op + ".ptx"));
            Matcher e = ENTRY.matcher(ptx);
            while (e.find()) {
                StringBuilder types = new StringBuilder();
                Matcher p = PARAM.matcher(e.group(2));
                while (p.find()) {
                    types.append(switch (p.group(1)) {
                        case "u64", "s64", "b64" -> '8';
                        case "u32", "s32", "b32" -> 'i';
                        case "f32" -> 'f';
                        default -> '?';
                    });
                }
                ptxSignatures.put(op + "/" + e.group(1), types.toString());
            }
        }
        List<String> problems = new ArrayList<>();
        for (var entry : KernelSignatures.ALL.entrySet()) {
            String ptx = ptxSignatures.get(entry.getKey());
            String java = entry.getValue().types().replace('p', '8').replace('l', '8');
            if (ptx == null) problems.add(entry.getKey() + " not in PTX");
            else if (!ptx.equals(java)) problems.add(entry.getKey() + ": PTX " + ptx + " vs Java " + java);
        }
        for (String k : ptxSignatures.keySet()) {
            if (!KernelSignatures.ALL.containsKey(k)) problems.add(k + " has no Java launcher signature");
        }
        assertTrue(problems.isEmpty(), String.join("; ", problems));
    }

    @Test
    void declarationsParseWithTheirNamesAndTypes() {
        var kernels = KernelSignatures.parse("m", """
                extern "C" __global__ void __launch_bounds__(256) a(const float* __restrict__ in, unsigned short* half,
                        long long n, unsigned long long seed, unsigned int layer, int relu, float scale) { }
                extern "C" __global__ __launch_bounds__(128) void b() { }
                __global__ void notExported(float* x) { }
                """);
        assertEquals(2, kernels.size());
        assertEquals("m/a", kernels.get(0).key());
        assertEquals("pplliif", kernels.get(0).types());
        assertEquals(java.util.List.of("in", "half", "n", "seed", "layer", "relu", "scale"),
                kernels.get(0).params().stream().map(KernelSignatures.Param::name).toList());
        assertEquals("unsigned short*", kernels.get(0).params().get(1).cType());
        assertEquals("", kernels.get(1).types());
        var e = assertThrows(IllegalStateException.class,
                () -> KernelSignatures.parse("m", "extern \"C\" __global__ void c(double d) {}"));
        assertTrue(e.getMessage().contains("m/c") && e.getMessage().contains("double"), e.getMessage());
    }

    @Test
    void argumentsAreCheckedByNameKindAndCompleteness() {
        KernelArgs a = KernelSignatures.args("im2col/flatten"); // flatten(in, out, channels, columns, plane)
        assertThrows(IllegalArgumentException.class, () -> a.set("input", 1L), "unknown name");
        assertThrows(IllegalArgumentException.class, () -> a.set("in", 1), "an int for a pointer");
        assertThrows(IllegalArgumentException.class, () -> a.set("channels", 1L), "a long for an int");
        assertThrows(IllegalArgumentException.class, () -> a.set("channels", 1f), "a float for an int");
        a.set("in", 1L << 40).set("out", 2L << 40).set("channels", 3).set("columns", -5); // int widens to long long
        var e = assertThrows(IllegalStateException.class, a::requireComplete);
        assertTrue(e.getMessage().contains("plane"), e.getMessage());
        a.set("plane", 7L);
        a.requireComplete();
        assertEquals(-5L, a.bits(3), "sign-extended");
        assertEquals(3L, a.bits(2));
    }
}
