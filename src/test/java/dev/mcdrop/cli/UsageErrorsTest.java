package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13, class 17: usage errors exit 2, as documented, with one line naming the option; choices
 * are case-insensitive everywhere; T×B is checked with the batch the run uses; an output file
 * given as a folder ("out/") says so.
 */
class UsageErrorsTest {
    @TempDir Path dir;

    private static final String DIGIT = "test-data/images/digit-7.png";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--samples | 0 | option '--samples'",
            "--batch | 0 | option '--batch'",
            "--format | xml | unknown format 'xml' (jsonl, csv)",
            "--backend | gpu | unknown backend 'gpu' (auto, cpu, cuda, reference)",
            "--mask-key | pixels | unknown mask key 'pixels'",
            "--conv | fft | unknown convolution algorithm 'fft'",
    })
    void badValuesExit2(String option, String value, String message) {
        String[] quick = {"--input", DIGIT, "--samples", "2"};
        assertOneLine(CliTest.run(OptionRangesTest.args("predict", quick, option, value)), 2, message, "mcdrop predict --help");
    }

    @Test
    void choicesIgnoreCase() {
        CliTest.Run csv = CliTest.run("predict", "--input", DIGIT, "--samples", "2", "--format", "CSV", "--mask-key", "CONTENT",
                "--backend", "CPU", "--conv", "IM2COL", "--gemm-precision", "FP32");
        assertEquals(0, csv.exit(), csv.err());
        assertTrue(csv.out().startsWith("index,") || csv.out().contains(","), csv.out());
        assertEquals("final", new OptionValues.Checkpoints().convert("FINAL"));
        CliTest.Run preset = CliTest.run("info", "--preset", "LENET-ALL");
        assertEquals(0, preset.exit(), preset.err());
        assertOneLine(CliTest.run("info", "--preset", "lenet-huge"), 2, "unknown preset 'lenet-huge'");
    }

    @Test
    void contradictingOptionsExit2() {
        assertOneLine(CliTest.run("predict", "--input", DIGIT, "--tf32", "--gemm-precision", "fp16"), 2,
                "--tf32 contradicts --gemm-precision fp16");
    }

    /** T × an explicit B beyond one batch is a usage error naming both options, with the batch the run would use. */
    @Test
    void samplesTimesBatchIsAUsageError() {
        assertOneLine(CliTest.run("predict", "--samples", "3000000", "--batch", "1000", "--backend", "cpu"), 2, "--samples 3000000 × --batch 1000",
                "lower --samples or --batch");
        assertOneLine(CliTest.run("bench", "--samples", "3000000", "--batch", "1000", "--images", "1000", "--backend", "cpu"), 2,
                "--samples 3000000 × --batch 1000");
        RunOptions o = picocli.CommandLine.populateCommand(new RunOptions(), "--samples", "3000000");
        assertEquals(1, o.options(1).batchImages(), "one image: batch 1, so 3,000,000 samples fit");
    }

    @Test
    void anOutputEndingInASlashNamesAFolder() {
        Path out = dir.resolve("results");
        for (String option : new String[]{"--out", "--samples-out"}) {
            assertOneLine(CliTest.run("predict", "--input", DIGIT, "--samples", "2", option, out + "/"), 2,
                    "option '" + option + "'", "ends in '/', so it names a folder, not a file");
        }
        assertOneLine(CliTest.run("train", "--out", out + "/"), 2, "option '--out'", "names a folder");
        assertOneLine(CliTest.run("eval", "--model-card", out + "/"), 2, "option '--model-card'", "names a folder");
        assertTrue(Files.notExists(out));
    }
}
