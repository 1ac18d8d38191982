package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, the independent review's findings on the CLI: a hostile architecture name on the
 * success paths (class 15), the default batch capped by T rather than refused, bench's --images
 * bounded, a missing subcommand a usage error, and the backend line held back until a run starts
 * work (so a refusal is alone on stderr).
 */
class ReviewFindingsTest {
    @TempDir Path dir;

    /** Class 15: predict's summary, bench and eval text and a model card show the name escaped and shortened. */
    @Test
    void hostileArchitectureNameIsEscapedOnSuccessPaths() throws Exception {
        Weights w = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        Architecture a = w.network().architecture();
        Architecture evil = new Architecture(NamesFromFilesTest.FORGED + "h".repeat(40_000), a.input(), a.inputScale(), a.layers());
        Path model = dir.resolve("evil.safetensors");
        WeightsFile.save(new Weights(evil.compile(), w.tensors(), Map.of()), model, Map.of());
        Path card = dir.resolve("card.md");
        CliTest.Run predict = CliTest.run("predict", "--model", model.toString(), "--samples", "2", "--backend", "cpu", "--out", dir.resolve("p.jsonl").toString());
        CliTest.Run bench = CliTest.run("bench", "--model", model.toString(), "--samples", "2", "--images", "10", "--repeat", "1", "--warmup", "0", "--backend", "cpu");
        CliTest.Run eval = CliTest.run("eval", "--model", model.toString(), "--samples", "2", "--backend", "cpu", "--model-card", card.toString());
        for (CliTest.Run r : new CliTest.Run[]{predict, bench, eval}) {
            assertEquals(0, r.exit(), OneLine.cut(r.err()));
            assertClean(r.out() + r.err());
        }
        assertClean(Files.readString(card));
        assertTrue(predict.err().contains("mcdrop: \\nmcdrop: forged line\\u001b[2J"), OneLine.cut(predict.err()));
    }

    private static void assertClean(String text) {
        for (String line : text.lines().toList()) {
            assertFalse(line.startsWith("mcdrop: forged"), "forged line: " + OneLine.cut(line));
            assertFalse(line.contains("\u001b"), "ESC in: " + OneLine.cut(line));
            assertTrue(line.length() <= 1000, "line of " + line.length() + " chars");
        }
    }

    /** Without --batch, the default batch shrinks to fit T (a usage error only for an explicit --batch). */
    @Test
    void defaultBatchIsCappedByTheSamples() {
        RunOptions o = picocli.CommandLine.populateCommand(new RunOptions(), "--samples", "3000000");
        assertEquals(Integer.MAX_VALUE / 3_000_000, o.options(1000).batchImages());
        RunOptions all = picocli.CommandLine.populateCommand(new RunOptions(), "--samples", String.valueOf(Integer.MAX_VALUE));
        assertEquals(1, all.options(1000).batchImages());
        assertOneLine(CliTest.run("predict", "--samples", "3000000", "--batch", "1000", "--backend", "cpu"), 2,
                "--samples 3000000 × --batch 1000", "lower --samples or --batch");
    }

    /** bench --images has an upper bound its error names, not an out-of-memory end. */
    @Test
    void benchImagesIsBounded() {
        assertOneLine(CliTest.run("bench", "--images", "2147483647", "-T", "1", "--backend", "cpu"), 2, "--images", "1,000,000");
    }

    /** mcdrop or mcdrop experiment without a subcommand: one usage line, exit 2; --help still prints the help on stdout. */
    @Test
    void missingSubcommandIsAUsageError() {
        assertOneLine(CliTest.run(), 2, "give a command: predict, eval, train, bench, info, experiment", "see 'mcdrop --help'");
        assertOneLine(CliTest.run("experiment"), 2, "give a command:", "uncertainty", "see 'mcdrop experiment --help'");
        CliTest.Run help = CliTest.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("predict") && help.err().isEmpty(), help.err());
    }

    /** A refusal after the backend is chosen (a memory budget too small) is the only line on stderr. */
    @Test
    void refusalAfterBackendChoiceIsAlone() throws Exception {
        // one pass of 512 channels × 28 × 28 floats after dropout needs 1.6 MiB, more than --memory 1
        Architecture wide = new Architecture("wide", new dev.mcdrop.model.Shape(1, 28, 28), 1f / 255, java.util.List.of(
                new dev.mcdrop.model.Layer.Conv2d("c", 512, 5, 1, 2), new dev.mcdrop.model.Layer.Dropout(0.5f, false),
                new dev.mcdrop.model.Layer.Pool(true, 28, 28), new dev.mcdrop.model.Layer.Flatten(),
                new dev.mcdrop.model.Layer.Dense("d", 10), new dev.mcdrop.model.Layer.Softmax()));
        dev.mcdrop.model.Network n = wide.compile();
        Map<String, float[]> t = new java.util.LinkedHashMap<>();
        for (var p : n.params()) t.put(p.tensorName(), new float[p.elements()]);
        Path model = dir.resolve("wide.safetensors");
        WeightsFile.save(new Weights(n, t, Map.of()), model, Map.of());
        assertOneLine(CliTest.run("predict", "--model", model.toString(), "--samples", "10", "--memory", "1", "--backend", "auto"),
                1, "--memory");
    }
}
