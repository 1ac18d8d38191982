package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.experiment.RotationExperiment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13, class 14: {@code experiment rotation} takes finite angles within a full turn and at
 * most 360 steps; anything else is a usage error naming the option and its range (before: an
 * int overflow "mcdrop: -2147475264", NaN CSVs with exit 0, XChart's exception text).
 */
class RotationOptionsTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--steps | 2739147 | from 1 to 360",
            "--steps | 0 | from 1 to 360",
            "--steps | -4 | from 1 to 360",
            "--max-angle | NaN | from -360 to 360",
            "--max-angle | 1e308 | from -360 to 360",
            "--max-angle | -1e308 | from -360 to 360",
            "--max-angle | Infinity | from -360 to 360",
            "--max-angle | 361 | from -360 to 360",
            "--max-angle | ninety | not a number",
            "--image | -1 | from 0",
            "--samples | 0 | from 1",
    })
    void outOfRangeOptionsAreUsageErrors(String option, String value, String range) {
        Path out = dir.resolve("rotation");
        String[] quick = {"--samples", "2", "--out", out.toString()};
        CliTest.Run r = CliTest.run(OptionRangesTest.args("experiment rotation", quick, option, value));
        assertOneLine(r, 2, "option '" + option + "'", range, "mcdrop experiment rotation --help");
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void inRangeOptionsRun() throws Exception {
        Path out = dir.resolve("rotation");
        CliTest.Run r = CliTest.run("experiment", "rotation", "--samples", "2", "--steps", "2", "--max-angle", "-90", "--backend", "cpu",
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        String scores = Files.readString(out.resolve("scores.csv"));
        assertTrue(scores.contains("\n-90") && !scores.contains("NaN"), scores);
    }

    @Test
    void tooManySamplesForMemoryIsOneLine() {
        CliTest.Run r = CliTest.run("experiment", "rotation", "--samples", "2000000", "--steps", "360", "--backend", "cpu",
                "--out", dir.resolve("rotation").toString());
        assertEquals(1, r.exit(), r.err());
        String last = r.err().lines().toList().getLast();
        assertTrue(last.startsWith("mcdrop: rotation: T × angles × classes") && last.endsWith("lower --samples or --steps"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void theLibraryRefusesWhatTheCliRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new RotationExperiment.Settings(2, 1, "m", 0, Double.NaN, 12));
        assertThrows(IllegalArgumentException.class, () -> new RotationExperiment.Settings(2, 1, "m", 0, 1e308, 12));
        assertThrows(IllegalArgumentException.class, () -> new RotationExperiment.Settings(2, 1, "m", 0, 90, 2739147));
    }
}
