package dev.mcdrop.experiment;

import static org.junit.jupiter.api.Assertions.*;

import dev.mcdrop.RecordingLogger;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.DataPaths;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.train.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted experiment resumes without redoing finished units and ends with the same CSV as
 * an uninterrupted run: a tiny placement experiment (3 models × 2 evaluations + 3 training runs =
 * 9 units) on the bundled MNIST slice.
 */
class ResumeTest {
    private static final ExperimentRun.Reporting QUIET = new ExperimentRun.Reporting(new RecordingLogger(), () -> ProgressListener.NONE);
    private static CpuBackend backend;
    private static LabeledImages train, test;
    private static final PlacementExperiment.Settings SETTINGS = new PlacementExperiment.Settings(
            PlacementExperiment.Settings.MNIST, "MNIST", 4, 2, 1, 3, 42, 8, true);

    @TempDir Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        backend = new CpuBackend(2);
        LabeledImages slice = new DataPaths(Path.of("data"), Path.of("test-data")).mnistTestSlice();
        train = slice.slice(0, 200);
        test = slice.slice(200, 20);
    }

    @AfterAll
    static void tearDown() { backend.close(); }

    private Table runPlacement(Path out, java.util.function.Consumer<String> hook, int[] counts) throws IOException {
        return runPlacement(out, hook, counts, SETTINGS, null);
    }

    private Table runPlacement(Path out, java.util.function.Consumer<String> hook, int[] counts,
                               PlacementExperiment.Settings settings, Path checkpointsFrom) throws IOException {
        try (ExperimentRun run = new ExperimentRun("placement", out, backend, 2, QUIET, "test")) {
            if (hook != null) run.units().afterSave(hook);
            try {
                return PlacementExperiment.run(run, settings, train, test, checkpointsFrom);
            } finally {
                counts[0] = run.units().computed();
                counts[1] = run.units().reused();
            }
        }
    }

    private static Map<Path, FileTime> unitTimes(Path out) throws IOException {
        Map<Path, FileTime> m = new HashMap<>();
        try (Stream<Path> s = Files.list(out.resolve("units"))) {
            for (Path p : s.toList()) m.put(p.getFileName(), Files.getLastModifiedTime(p));
        }
        return m;
    }

    @Test
    void interruptedRunResumesAndMatchesAnUninterruptedOne() throws Exception {
        int[] counts = new int[2];
        Path whole = tmp.resolve("whole");
        runPlacement(whole, null, counts);
        assertEquals(9, counts[0], "units computed in one go");
        String expected = Files.readString(whole.resolve("placement.csv"));
        assertEquals(1 + 6, expected.lines().count(), "header + 3 models × 2 evaluations");
        for (String f : List.of("placement.png", "summary.md", "progress.csv", "checkpoints/lenet-all.iter4.safetensors",
                "checkpoints/lenet-ip.iter2.safetensors")) {
            assertTrue(Files.isRegularFile(whole.resolve(f)), f);
        }

        // interrupt right after the first unit is recorded
        Path resumed = tmp.resolve("resumed");
        RuntimeException stop = new RuntimeException("simulated interruption");
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> runPlacement(resumed, key -> { throw stop; }, counts));
        assertSame(stop, thrown);
        Map<Path, FileTime> before = unitTimes(resumed);
        assertEquals(1, before.size(), "one unit recorded before the interruption: " + before.keySet());
        assertFalse(Files.exists(resumed.resolve("placement.csv")));
        Thread.sleep(20); // so a rewrite would show in the file time

        runPlacement(resumed, null, counts);
        assertEquals(8, counts[0], "only the 8 unfinished units are computed");
        assertEquals(1, counts[1], "the finished unit is reused");
        Map<Path, FileTime> after = unitTimes(resumed);
        for (var e : before.entrySet()) assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was rewritten");
        assertEquals(expected, Files.readString(resumed.resolve("placement.csv")));

        // a complete rerun computes nothing
        runPlacement(resumed, null, counts);
        assertEquals(0, counts[0]);
        assertEquals(9, counts[1]);
        assertEquals(expected, Files.readString(resumed.resolve("placement.csv")));
    }

    @Test
    void lostEvaluationsAreRedoneFromCheckpointsWithoutRetraining() throws Exception {
        int[] counts = new int[2];
        Path out = tmp.resolve("run");
        runPlacement(out, null, counts);
        String expected = Files.readString(out.resolve("placement.csv"));
        Files.delete(out.resolve("units/lenet-ip.eval.iter2.csv"));
        Files.delete(out.resolve("units/lenet-all.eval.iter4.csv"));
        Map<Path, FileTime> before = unitTimes(out);
        Thread.sleep(20);
        runPlacement(out, null, counts);
        assertEquals(2, counts[0], "just the two lost evaluations");
        Map<Path, FileTime> after = unitTimes(out);
        for (var e : before.entrySet()) assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was rewritten");
        assertEquals(expected, Files.readString(out.resolve("placement.csv")));

        // lost evaluation and lost checkpoint of a recorded run: a clear error, not silent retraining
        Files.delete(out.resolve("units/lenet-ip.eval.iter2.csv"));
        Files.delete(out.resolve("checkpoints/lenet-ip.iter2.safetensors"));
        IOException e = assertThrows(IOException.class, () -> runPlacement(out, null, counts));
        assertTrue(e.getMessage().contains("lenet-ip.train"), e.getMessage());
    }

    @Test
    void checkpointsOfEarlierTrainingRunsAreEvaluatedNotRetrained() throws Exception {
        int[] counts = new int[2];
        Path trained = tmp.resolve("trained");
        runPlacement(trained, null, counts);
        String expected = Files.readString(trained.resolve("placement.csv"));
        Path from = trained.resolve("checkpoints");
        // the final checkpoint may also be named like `mcdrop train --out`: <preset>.safetensors
        Files.move(from.resolve("lenet-ip.iter4.safetensors"), from.resolve("lenet-ip.safetensors"));

        Path adopted = tmp.resolve("adopted");
        runPlacement(adopted, null, counts, SETTINGS, from);
        assertEquals(9, counts[0], "6 evaluations + 3 adopted runs");
        assertEquals(expected, Files.readString(adopted.resolve("placement.csv")));
        assertTrue(Files.readString(adopted.resolve("units/lenet-all.train.csv")).contains("adopted_from"));
        assertTrue(Files.isRegularFile(adopted.resolve("checkpoints/lenet-ip.iter4.safetensors")));

        // another training seed: refused, naming the file and the field
        var otherSeed = new PlacementExperiment.Settings(PlacementExperiment.Settings.MNIST, "MNIST", 4, 2, 7, 3, 42, 8, true);
        IOException seed = assertThrows(IOException.class,
                () -> runPlacement(tmp.resolve("seed"), null, counts, otherSeed, from));
        assertTrue(seed.getMessage().contains("lenet-none.iter2.safetensors: __metadata__.train.seed is '1', this experiment needs '7'"),
                seed.getMessage());
        // a checkpoint missing: refused, listing it and the command that makes it
        Files.delete(from.resolve("lenet-all.iter2.safetensors"));
        IOException missing = assertThrows(IOException.class,
                () -> runPlacement(tmp.resolve("missing"), null, counts, SETTINGS, from));
        assertTrue(missing.getMessage().contains("missing lenet-all.iter2.safetensors")
                && missing.getMessage().contains("--checkpoint-every 2"), missing.getMessage());
    }

    @Test
    void refusesToMixUnitsOfOtherSettings() throws Exception {
        Path out = tmp.resolve("run");
        try (ExperimentRun run = new ExperimentRun("placement", out, backend, 2, QUIET, "test")) {
            run.requireSettings("T=3");
            run.requireSettings("T=3"); // same settings: fine
        }
        try (ExperimentRun run = new ExperimentRun("placement", out, backend, 2, QUIET, "test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.requireSettings("T=5"));
            assertTrue(e.getMessage().contains("T=3") && e.getMessage().contains("T=5"), e.getMessage());
            var other = new PlacementExperiment.Settings(PlacementExperiment.Settings.MNIST, "MNIST", 4, 2, 1, 3, 42, 8, true);
            assertThrows(IllegalStateException.class, () -> PlacementExperiment.run(run, other, train, test));
        }
    }

    @Test
    void refusesAFolderWrittenBeforeContentKeyedMasks() throws Exception {
        Path out = tmp.resolve("older");
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.writeString(out.resolve("settings.txt"), "T=3\n"); // as runs before 2026-12-03 recorded it
        try (ExperimentRun run = new ExperimentRun("placement", out, backend, 2, QUIET, "test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.requireSettings("T=3"));
            assertTrue(e.getMessage().contains("written by an earlier mcdrop") && e.getMessage().contains("new --out"), e.getMessage());
        }
    }

    @Test
    void refusesUnitsWithoutSettingsAndNamesWhatChanged() throws Exception {
        Path out = tmp.resolve("bare");
        Files.createDirectories(out.resolve("units"));
        Files.writeString(out.resolve("units/x.csv"), "a\n1\n");
        try (ExperimentRun run = new ExperimentRun("placement", out, backend, 2, QUIET, "test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.requireSettings("option T: 3"));
            assertTrue(e.getMessage().contains("no settings.txt"), e.getMessage());
        }
        Path keyed = tmp.resolve("keyed");
        LabeledImages other = train.slice(100, 20); // as many images as the test set, other pixels
        try (ExperimentRun run = new ExperimentRun("placement", keyed, backend, 2, QUIET, "test")) {
            run.requireSettings("option T: 3\ntest data: " + ExperimentRun.fingerprint(test));
            IllegalStateException data = assertThrows(IllegalStateException.class,
                    () -> run.requireSettings("option T: 3\ntest data: " + ExperimentRun.fingerprint(other)));
            assertTrue(data.getMessage().contains("test data changed (was 20 images 1x28x28, labelled, sha256 ")
                    && !data.getMessage().contains("option T"), data.getMessage());
            IllegalStateException option = assertThrows(IllegalStateException.class,
                    () -> run.requireSettings("option T: 5\ntest data: " + ExperimentRun.fingerprint(test)));
            assertTrue(option.getMessage().contains("option T changed (was 3, now 5)") && !option.getMessage().contains("test data"),
                    option.getMessage());
            assertTrue(!option.getMessage().contains("\n"), "one line: " + option.getMessage());
        }
    }
}
