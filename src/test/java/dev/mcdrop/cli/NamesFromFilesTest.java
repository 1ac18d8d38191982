package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 15: names from files (architecture and layer names, tensor names, metadata)
 * reach messages and {@code info} escaped, quoted and shortened: a newline in a name cannot forge
 * an {@code mcdrop:} line, an ESC cannot reach the terminal, a megabyte name or 20,000 extra
 * tensors cannot make a megabyte line.
 */
class NamesFromFilesTest {
    @TempDir Path dir;

    static final String FORGED = "\nmcdrop: forged line\u001b[2J\u001b[31m";
    static final String HUGE = "h".repeat(1 << 20);

    /** An architecture JSON whose name and layer names carry newlines, ESC and a megabyte, with one layer name used twice. */
    @Test
    void hostileArchitectureNamesGiveOneCleanLine() throws Exception {
        String lenet = ArchitectureJson.toJson(Presets.get("lenet-all"));
        String evil = lenet.replace("\"lenet-all\"", json(FORGED + HUGE))
                .replace("\"conv2\"", json("conv1")).replace("\"conv1\"", json(FORGED + HUGE + "conv"));
        Path arch = dir.resolve("evil.json");
        Files.writeString(arch, evil);
        String line = assertOneLine(CliTest.run("info", "--arch", arch.toString()), 1, "used twice");
        assertTrue(line.contains("architecture '\\nmcdrop: forged line\\u001b[2J\\u001b[31mhhh"), line);
    }

    /** A weights file with 20,000 extra tensors, one named with a newline and ESC, one 40,000 characters long. */
    @Test
    void manyHostileExtraTensorsGiveOneBoundedLine() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        List<NamedTensor> tensors = new ArrayList<>();
        w.tensors().forEach((name, data) -> tensors.add(new NamedTensor(name, w.network().param(name).shape(), data)));
        tensors.add(new NamedTensor("a" + FORGED, new int[]{1}, new float[]{0}));
        tensors.add(new NamedTensor("b" + "h".repeat(40_000), new int[]{1}, new float[]{0})); // the JSON parser's limit for names: 50,000
        for (int i = 0; i < 20_000; i++) tensors.add(new NamedTensor("extra." + i, new int[]{1}, new float[]{0}));
        Map<String, String> meta = Map.of(WeightsFile.ARCHITECTURE_KEY, ArchitectureJson.toJson(w.network().architecture()));
        Path model = dir.resolve("extra.safetensors");
        SafeTensorsWriter.write(model, meta, tensors);
        assertOneLine(CliTest.run("info", "--model", model.toString()), 1, "extra.safetensors", "are not used by architecture 'lenet-all'",
                "'a\\nmcdrop: forged line\\u001b[2J", "and 19,992 more");
    }

    /** info lists metadata escaped and shortened, and at most 100 entries. */
    @Test
    void infoShowsHostileMetadataSafely() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("note" + FORGED, "value" + FORGED + HUGE);
        for (int i = 0; i < 500; i++) meta.put("k" + i, "v");
        Path model = dir.resolve("meta.safetensors");
        WeightsFile.save(w, model, meta);
        CliTest.Run r = CliTest.run("info", "--model", model.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        for (String line : lines) {
            assertFalse(line.startsWith("mcdrop: forged"), "forged line: " + line);
            assertTrue(line.length() <= 700, "line of " + line.length() + " chars");
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c != 0x7f), "control character in " + line);
        }
        assertTrue(r.out().contains("  note\\nmcdrop: forged line\\u001b[2J\\u001b[31m: value\\nmcdrop: forged line"), OneLine.cut(r.out()));
        assertTrue(r.out().contains("… and 4"), "entries beyond 100 counted: " + OneLine.cut(r.out()));
        assertTrue(lines.size() < 130, lines.size() + " lines");
    }

    private static String json(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }
}
