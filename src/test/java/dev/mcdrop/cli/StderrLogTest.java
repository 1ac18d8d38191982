package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library logs and the CLI prints: what the library tells {@link StderrLog} reaches stderr as
 * the same "mcdrop: ..." lines the CLI printed before the library stopped printing.
 */
class StderrLogTest {
    @TempDir Path dir;

    @Test
    void linesLevelsAndPrefix() {
        CliTest.Run r = CliTest.capture(() -> {
            StderrLog.INSTANCE.log(Level.INFO, "backend cpu, 2 threads");
            StderrLog.INSTANCE.log(Level.WARNING, "no cuBLAS");
            StderrLog.INSTANCE.log(Level.DEBUG, "not shown");
            StderrLog.INSTANCE.log(Level.INFO, "{0} of {1}", 3, 4);
            return 0;
        });
        assertEquals("", r.out());
        assertEquals(String.join(System.lineSeparator(), "mcdrop: backend cpu, 2 threads", "mcdrop: warning: no cuBLAS",
                "mcdrop: 3 of 4", ""), r.err());
    }

    @Test
    void theCliStillSaysWhichBackendRunsAndWhy() {
        CliTest.Run r = CliTest.run("predict", "--backend", "auto", "--samples", "2", "--input", "test-data/images/digit-7.png");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.matches(
                "mcdrop: backend (cpu, \\d+ threads \\(CUDA unavailable: .+\\)|cuda \\(.+\\))")).count(), r.err());
    }

    @Test
    void theCliStillShowsExperimentProgress() {
        CliTest.Run r = CliTest.run("experiment", "rotation", "--steps", "2", "-T", "2", "--backend", "cpu",
                "--out", dir.resolve("rotation").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.matches("mcdrop: experiment rotation \\(\\d+s elapsed\\): .+")), r.err());
    }
}
