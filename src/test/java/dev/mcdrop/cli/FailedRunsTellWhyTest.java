package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.experiment.Datasets;
import dev.mcdrop.experiment.ExperimentRun;
import dev.mcdrop.io.AtomicFile;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's review, the outputs half: a failed run replaces no output (not even --samples-out),
 * a replaced file keeps its permissions, and every failure names the file and its real reason
 * (a full disk, a data path that is a file, a FIFO or a folder, an output under a plain file).
 */
class FailedRunsTellWhyTest {
    @TempDir Path dir;

    /** LeNet with its last layer's weights at 3e38: its logits overflow, so its probabilities are NaN. */
    private Path brokenModel() throws IOException {
        return brokenModel(dir);
    }

    /** The broken LeNet written into {@code dir} (also used by PredictOutputTest). */
    static Path brokenModel(Path dir) throws IOException {
        Path broken = dir.resolve("broken.safetensors");
        Weights lenet = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>(lenet.tensors());
        String last = tensors.keySet().stream().filter(n -> n.endsWith(".weight")).reduce((a, b) -> b).orElseThrow();
        float[] huge = new float[tensors.get(last).length];
        java.util.Arrays.fill(huge, 3e38f);
        tensors.put(last, huge);
        WeightsFile.save(new Weights(lenet.network(), tensors, lenet.metadata()), broken, java.util.Map.of());
        return broken;
    }

    @Test
    void aFailedRunKeepsSamplesOutAndSaysWhichNetworkIsNonFinite() throws Exception {
        Path out = dir.resolve("k.jsonl"), samples = dir.resolve("k.npy");
        Files.writeString(out, "earlier\n");
        Files.writeString(samples, "earlier samples");
        CliTest.Run r = CliTest.run("predict", "--model", brokenModel().toString(), "--samples", "2", "--backend", "cpu",
                "--input", "test-data/images/digit-7.png", "--out", out.toString(), "--samples-out", samples.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("earlier samples", new String(Files.readAllBytes(samples), java.nio.charset.StandardCharsets.ISO_8859_1), "a failed run leaves --samples-out as it was");
        String last = r.err().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertFalse(last.contains("internal error"), last);
        assertTrue(last.matches("mcdrop: network '.*' gives non-finite probabilities for image 0 .*"), last);

        // the predictions cannot be written (a full disk): the samples are not replaced either
        CliTest.Run full = CliTest.run("predict", "--samples", "2", "--backend", "cpu", "--input", "test-data/images/digit-7.png", "--out", "/dev/full",
                "--samples-out", samples.toString());
        assertEquals(1, full.exit(), full.err());
        assertTrue(full.err().strip().endsWith("mcdrop: cannot write /dev/full: No space left on device"), full.err());
        assertEquals("earlier samples", new String(Files.readAllBytes(samples), java.nio.charset.StandardCharsets.ISO_8859_1), "--out failed: --samples-out stays as it was");
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("broken.safetensors", "k.jsonl", "k.npy"),
                    listing.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws Exception {
        Path f = dir.resolve("private.txt");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFile.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aWriteThatFailsNamesTheFile() {
        IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(Path.of("/dev/full"), "x".repeat(1 << 17)));
        assertEquals("cannot write /dev/full: No space left on device", Errors.describe(e));
        CliTest.Run r = CliTest.run("eval", "--backend", "cpu", "--samples", "2", "--input",
                "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz", "--model-card", "/dev/full");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().strip().endsWith("mcdrop: cannot write /dev/full: No space left on device"), r.err());
    }

    @Test
    void aFailedWeightsWriteNamesTheFile() throws IOException {
        Weights lenet = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        IOException e = assertThrows(IOException.class, () -> WeightsFile.save(lenet, Path.of("/dev/full"), java.util.Map.of()));
        assertEquals("cannot write /dev/full: No space left on device", Errors.describe(e));
    }

    @Test
    void dataAndOutputPathsAreNamedForWhatTheyAre() throws Exception {
        Path plain = Files.writeString(dir.resolve("afile"), "not a folder");
        IOException notDir = assertThrows(IOException.class, () -> Datasets.idx(plain, true, "hint"));
        assertEquals(plain + ": is a regular file, not a directory", Errors.describe(notDir));

        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("t10k-images-idx3-ubyte"), "x");
        Files.createDirectory(data.resolve("t10k-labels-idx1-ubyte.gz"));
        IOException folder = assertThrows(IOException.class, () -> Datasets.idx(data, false, "hint"));
        assertTrue(Errors.describe(folder).endsWith("t10k-labels-idx1-ubyte.gz: is a directory, not a file"), Errors.describe(folder));

        IllegalArgumentException under = assertThrows(IllegalArgumentException.class,
                () -> OutputPaths.check("--out", plain.resolve("x")));
        assertTrue(under.getMessage().endsWith(plain + " is not a directory"), under.getMessage());

        IOException proc = assertThrows(IOException.class,
                () -> new ExperimentRun("x", Path.of("/proc/x"), null, 1,
                        new ExperimentRun.Reporting(System.getLogger("test"), () -> null), "x"));
        assertFalse(Errors.describe(proc).startsWith("file not found"), Errors.describe(proc));
        assertTrue(Errors.describe(proc).startsWith("cannot create the folder /proc/x: "), Errors.describe(proc));
    }
}
