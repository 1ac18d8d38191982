package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 6: labels the model has no output for are refused before anything runs, in one
 * line naming the label file, the image and the class count. Before the fix, {@code predict}
 * with a 2-class model on MNIST printed every prediction and then died with "Index 7 out of
 * bounds for length 2"; the experiments that score did the same after their whole run.
 */
class LabelRangeTest {
    @TempDir Path dir;
    private static final String MNIST = "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz";
    private static final String MNIST_LABELS = "test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz";

    /** A 28×28 gray network with two classes (MNIST's first test label is 7). */
    private Path twoClassModel() throws Exception {
        Network n = ArchitectureJson.parse("""
                {"name": "two", "input": {"channels": 1, "height": 28, "width": 28, "scale": 0.00390625},
                 "layers": [{"type": "flatten"}, {"type": "dropout", "p": 0.5}, {"type": "dense", "name": "out", "units": 2}]}""",
                "two.json").compile();
        Random r = new Random(1);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (ParamSpec p : n.params()) {
            float[] v = new float[p.elements()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.01);
            tensors.put(p.tensorName(), v);
        }
        Path file = dir.resolve("two.safetensors");
        WeightsFile.save(new Weights(n, tensors, Map.of()), file, Map.of());
        return file;
    }

    private static void assertRefusedBeforeWork(CliTest.Run r, String labels) {
        assertEquals(1, r.exit(), r.err());
        assertEquals("", r.out(), "nothing may be printed before the refusal");
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("mcdrop: "), r.err());
        assertTrue(r.err().contains(labels) && r.err().contains("image 0 has label 7") && r.err().contains("2 classes (0-1)"),
                r.err());
    }

    @Test
    void labelsBeyondTheModelsClassesAreRefusedBeforeAnyPrediction() throws Exception {
        String model = twoClassModel().toString();
        // labels found beside the images
        assertRefusedBeforeWork(CliTest.run("predict", "--model", model, "-T", "2", "--backend", "cpu", "--input", MNIST),
                MNIST_LABELS);
        // labels given
        Path out = dir.resolve("p.jsonl");
        assertRefusedBeforeWork(CliTest.run("predict", "--model", model, "-T", "2", "--backend", "cpu", "--input", MNIST,
                "--labels", MNIST_LABELS, "--out", out.toString()), MNIST_LABELS);
        assertFalse(Files.exists(out), "no output file for a refused run");
        assertRefusedBeforeWork(CliTest.run("eval", "--model", model, "-T", "2", "--backend", "cpu", "--input", MNIST), MNIST_LABELS);

        // the experiments that score a model on MNIST's test labels
        Path data = dir.resolve("mnist");
        Files.createDirectories(data);
        Files.copy(Path.of(MNIST), data.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(Path.of(MNIST_LABELS), data.resolve("t10k-labels-idx1-ubyte.gz"));
        Path fashion = dir.resolve("fashion");
        Files.createDirectories(fashion);
        Files.copy(Path.of("test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz"), fashion.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(Path.of("test-data/fashion-mnist/t10k-labels-first200-idx1-ubyte.gz"), fashion.resolve("t10k-labels-idx1-ubyte.gz"));
        String labels = data.resolve("t10k-labels-idx1-ubyte.gz").toString();
        assertRefusedBeforeWork(CliTest.run("experiment", "convergence", "--model", model, "--backend", "cpu", "--data", data.toString(),
                "--samples-list", "1,2", "--seeds", "1", "--test-images", "20", "--out", dir.resolve("conv").toString()), labels);
        assertRefusedBeforeWork(CliTest.run("experiment", "uncertainty", "--model", model, "--backend", "cpu", "--data", data.toString(),
                "--ood", fashion.toString(), "-T", "2", "--test-images", "20", "--out", dir.resolve("unc").toString()), labels);
    }
}
