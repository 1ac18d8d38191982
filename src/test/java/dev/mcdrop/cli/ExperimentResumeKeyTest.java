package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 4: an experiment resumes only with the data, model and options its recorded
 * units were computed from. The test images replaced in place by others of the same count (same
 * path, same image count: all that was compared before) are refused with one line saying what
 * changed and how to start afresh, and the recorded results are left as they were.
 */
class ExperimentResumeKeyTest {
    @TempDir Path dir;

    private static LabeledImages mnist() throws IOException {
        return Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz"));
    }

    private static void writeTestSet(Path folder, LabeledImages set) throws IOException {
        Files.createDirectories(folder);
        Idx.write(folder.resolve("t10k-images-idx3-ubyte"), folder.resolve("t10k-labels-idx1-ubyte"), set, false);
    }

    private CliTest.Run uncertainty(Path out, Path in, Path ood, String... more) {
        String[] base = {"experiment", "uncertainty", "--backend", "cpu", "--threads", "1", "-T", "2", "--out", out.toString(),
                "--data", in.toString(), "--ood", ood.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliTest.run(args);
    }

    @Test
    void testImagesReplacedInPlaceWithTheSameCountAreRefused() throws Exception {
        Path in = dir.resolve("mnist"), ood = dir.resolve("fashion"), out = dir.resolve("run");
        LabeledImages all = mnist();
        writeTestSet(in, all.slice(0, 30));
        writeTestSet(ood, all.slice(500, 30)); // stands in for Fashion-MNIST: only its being a fixed set matters here
        CliTest.Run first = uncertainty(out, in, ood);
        assertEquals(0, first.exit(), first.err());
        String metrics = Files.readString(out.resolve("metrics.csv"));

        writeTestSet(in, all.slice(100, 30)); // other images, same path, same count
        CliTest.Run resumed = uncertainty(out, in, ood);
        String err = resumed.err().strip();
        String last = err.substring(err.lastIndexOf('\n') + 1);
        assertEquals(1, resumed.exit(), err);
        assertTrue(last.startsWith("mcdrop: ") && last.contains("in-distribution data changed") && last.contains("new --out"), last);
        assertEquals(metrics, Files.readString(out.resolve("metrics.csv")), "recorded results were changed");

        // the same images again: resumes, nothing recomputed
        writeTestSet(in, all.slice(0, 30));
        CliTest.Run again = uncertainty(out, in, ood);
        assertEquals(0, again.exit(), again.err());
        assertEquals(metrics, Files.readString(out.resolve("metrics.csv")));

        // an option that changes the numbers: refused, naming it
        CliTest.Run otherSeed = uncertainty(out, in, ood, "--seed", "7");
        assertEquals(1, otherSeed.exit(), otherSeed.err());
        assertTrue(otherSeed.err().contains("option mcSeed changed (was 42, now 7)"), otherSeed.err());
    }
}
