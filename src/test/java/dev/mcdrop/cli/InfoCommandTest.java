package dev.mcdrop.cli;

import static dev.mcdrop.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.cli.CliTest.Run;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcdrop info}: every dropout layer shows its rate, and {@code --json} prints exactly the
 * architecture JSON that {@code --arch} accepts, for every preset and every bundled model.
 */
class InfoCommandTest {
    @TempDir Path dir;

    private static List<Path> bundledModels() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("models"))) {
            return s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    @Test
    void dropoutLayersShowTheirRate() throws Exception {
        Run preset = run("info", "--preset", "lenet-all");
        assertEquals(0, preset.exit(), preset.err());
        assertTrue(preset.out().contains("layer 1 (dropout p=0.5)"), preset.out());
        assertTrue(preset.out().contains("layer 9 (dropout p=0.5)"), preset.out());

        Run model = run("info", "--model", "lenet-ip");
        assertEquals(0, model.exit(), model.err());
        assertTrue(model.out().contains("(dropout p=0.5)"), model.out());

        Path json = dir.resolve("rates.json");
        Files.writeString(json, """
                {"name": "rates", "input": {"channels": 1, "height": 8, "width": 8},
                 "layers": [{"type": "conv2d", "filters": 3, "kernel": 3}, {"type": "dropout", "p": 0.2, "per": "channel"},
                            {"type": "flatten"}, {"type": "dropout", "p": 0.125}, {"type": "dense", "units": 2}]}""");
        Run custom = run("info", "--arch", json.toString());
        assertEquals(0, custom.exit(), custom.err());
        assertTrue(custom.out().contains("layer 1 (dropout p=0.2 per channel)"), custom.out());
        assertTrue(custom.out().contains("layer 3 (dropout p=0.125)"), custom.out());
    }

    @Test
    void presetJsonRoundTripsThroughArch() throws Exception {
        for (String name : Presets.names()) {
            Run r = run("info", "--preset", name, "--json");
            assertEquals(0, r.exit(), name + ": " + r.err());
            Path file = dir.resolve(name + ".json");
            Files.writeString(file, r.out());
            assertEquals(Presets.get(name), ArchitectureJson.read(file), name);
            Run back = run("info", "--arch", file.toString(), "--json");
            assertEquals(0, back.exit(), name + ": " + back.err());
            assertEquals(r.out(), back.out(), name);
            // and the plain summary of the file is the preset's
            assertEquals(run("info", "--preset", name).out(), run("info", "--arch", file.toString()).out(), name);
        }
    }

    @Test
    void bundledModelJsonRoundTripsThroughArch() throws Exception {
        List<Path> models = bundledModels();
        assertFalse(models.isEmpty());
        for (Path model : models) {
            Run r = run("info", "--model", model.toString(), "--json");
            assertEquals(0, r.exit(), model + ": " + r.err());
            assertFalse(r.out().contains("train."), "--json prints the architecture only: " + r.out());
            Path file = dir.resolve(model.getFileName() + ".json");
            Files.writeString(file, r.out());
            Weights stored = WeightsFile.load(model);
            Architecture read = ArchitectureJson.read(file);
            assertEquals(stored.network().architecture(), read, model.toString());
            Weights viaArch = WeightsFile.load(model, read);
            assertEquals(stored.tensors().keySet(), viaArch.tensors().keySet());
            for (String t : stored.tensors().keySet()) {
                assertTrue(java.util.Arrays.equals(stored.tensor(t), viaArch.tensor(t)), t);
            }
            Run back = run("info", "--model", model.toString(), "--arch", file.toString(), "--json");
            assertEquals(0, back.exit(), model + ": " + back.err());
            assertEquals(r.out(), back.out(), model.toString());
        }
    }

    @Test
    void jsonOfABadArchitectureIsOneLine() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"input\": {\"channels\": 1, \"height\": 4, \"width\": 4}, \"layers\": [{\"type\": \"conv3d\"}]}");
        Run r = run("info", "--arch", bad.toString(), "--json");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("mcdrop: ") && r.err().contains("bad.json") && r.err().contains("conv3d"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void modelFormatDocShowsWhatInfoPrintsAndEveryLayerType() throws Exception {
        String doc = Files.readString(Path.of("docs/MODEL-FORMAT.md"));
        int start = doc.indexOf("```json\n") + "```json\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));
        assertEquals(run("info", "--preset", "lenet-all", "--json").out(), example);
        for (String type : List.of("conv2d", "dense", "maxpool", "avgpool", "relu", "dropout", "flatten", "softmax")) {
            assertTrue(doc.contains("| `" + type + "` |"), "no table row for layer type " + type);
        }
    }
}
