package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command that `mcdrop train` records in a checkpoint's metadata (and that a model card shows) must be one
 * that reproduces the checkpoint: run again verbatim, it writes the same weights and the same checkpoints.
 */
class TrainCommandRecordTest {
    @TempDir Path dir;

    @Test
    void theRecordedCommandRetrainsTheSameWeights() throws Exception {
        LabeledImages slice = Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz")).slice(0, 256);
        Path data = Files.createDirectory(dir.resolve("slice"));
        Idx.write(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), slice, false);
        Path out = dir.resolve("tiny.safetensors");
        CliTest.Run first = CliTest.run("train", "--arch", "lenet-all", "--iterations", "4", "--batch", "16", "--train-seed", "3",
                "--subset", "0.5", "--subset-seed", "7", "--data", data.toString(), "--checkpoint-every", "2",
                "--out", out.toString());
        assertEquals(0, first.exit(), first.err());
        Weights trained = WeightsFile.load(out);
        Weights checkpoint = WeightsFile.load(dir.resolve("tiny.iter2.safetensors"));
        String command = trained.metadata().get("train.command");
        assertEquals(command, checkpoint.metadata().get("train.command"), "a checkpoint records the run's command");

        Files.delete(out);
        Files.delete(dir.resolve("tiny.iter2.safetensors"));
        assertTrue(command.startsWith("mcdrop train "), command);
        String[] args = command.substring("mcdrop ".length()).split(" ");
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.exit(), "re-running the recorded '" + command + "': " + again.err());
        assertSameTensors(trained, WeightsFile.load(out));
        assertSameTensors(checkpoint, WeightsFile.load(dir.resolve("tiny.iter2.safetensors")));

        Path card = dir.resolve("tiny.md");
        CliTest.Run eval = CliTest.run("eval", "--model", out.toString(), "--data",
                "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz", "--samples", "2", "--backend", "cpu",
                "--model-card", card.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(Files.readString(card).contains("| command | `" + command + "` |"), Files.readString(card));
    }

    private static void assertSameTensors(Weights expected, Weights actual) {
        Map<String, float[]> a = expected.tensors(), b = actual.tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name + " differs: " + Arrays.toString(
                    Arrays.copyOf(b.get(name), 3)));
        }
    }
}
