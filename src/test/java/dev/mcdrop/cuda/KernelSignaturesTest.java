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
            String java = entry.getValue().replace('p', '8').replace('l', '8');
            if (ptx == null) problems.add(entry.getKey() + " not in PTX");
            else if (!ptx.equals(java)) problems.add(entry.getKey() + ": PTX " + ptx + " vs Java " + java);
        }
        for (String k : ptxSignatures.keySet()) {
            if (!KernelSignatures.ALL.containsKey(k)) problems.add(k + " has no Java launcher signature");
        }
        assertTrue(problems.isEmpty(), String.join("; ", problems));
    }
}
