package dev.mcdrop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.io.StrictJson;
import dev.mcdrop.io.WeightsFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 18: one strict JSON policy everywhere ({@link StrictJson}): the architecture
 * JSON, from {@code --arch} or a weights file's metadata, refuses a key given twice and text after
 * the object, as the safetensors header parser does.
 */
class StrictJsonTest {
    @TempDir Path dir;

    private static final String LENET = ArchitectureJson.toJson(Presets.get("lenet-all"));

    private static String refusal(String json) {
        return assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(json, "arch.json")).getMessage();
    }

    @Test
    void duplicateKeysAreRefused() {
        String top = refusal(LENET.replaceFirst("\\{", "{\"name\": \"other\", "));
        assertTrue(top.startsWith("arch.json: architecture is not valid JSON: Duplicate field 'name'") && top.contains("line 2"), top);
        String layer = refusal(LENET.replace("\"filters\": 20,", "\"filters\": 20, \"filters\": 50,"));
        assertTrue(layer.contains("Duplicate field 'filters'"), layer);
        String input = refusal(LENET.replace("\"channels\": 1,", "\"channels\": 1, \"channels\": 3,"));
        assertTrue(input.contains("Duplicate field 'channels'"), input);
    }

    @Test
    void trailingTextIsRefused() {
        for (String tail : new String[]{"x", "{}", "}", "]", "{\"name\": \"second\"}", "1"}) {
            String m = refusal(LENET + tail);
            assertTrue(m.contains(StrictJson.TRAILING_TOKENS) || m.contains("not valid JSON"), tail + ": " + m);
        }
        assertEquals("lenet-all", ArchitectureJson.parse(LENET + "  \n\t ", "arch.json").name(), "whitespace after is fine");
    }

    @Test
    void theMetadataArchitectureOfAWeightsFileIsStrictToo() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        List<NamedTensor> tensors = new ArrayList<>();
        w.tensors().forEach((name, data) -> tensors.add(new NamedTensor(name, w.network().param(name).shape(), data)));
        Path file = dir.resolve("dup.safetensors");
        SafeTensorsWriter.write(file, Map.of(WeightsFile.ARCHITECTURE_KEY, LENET.replace("\"units\": 500", "\"units\": 500, \"units\": 10")),
                tensors);
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(file));
        assertTrue(e.getMessage().contains("__metadata__.architecture: architecture is not valid JSON: Duplicate field 'units'"), e.getMessage());
        Path trailing = dir.resolve("trailing.safetensors");
        SafeTensorsWriter.write(trailing, Map.of(WeightsFile.ARCHITECTURE_KEY, LENET + "{}"), tensors);
        e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(trailing));
        assertTrue(e.getMessage().contains(StrictJson.TRAILING_TOKENS), e.getMessage());
    }
}
