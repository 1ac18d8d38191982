package dev.mcdrop.experiment;

import static org.junit.jupiter.api.Assertions.*;

import dev.mcdrop.cli.Main;
import dev.mcdrop.RecordingLogger;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.DataPaths;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.train.TrainConfig;
import dev.mcdrop.train.Trainer;
import java.awt.image.BufferedImage;
import dev.mcdrop.train.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each experiment end to end on tiny inputs: the files it writes, their shape and their consistency. */
class ExperimentsTest {
    private static final ExperimentRun.Reporting QUIET = new ExperimentRun.Reporting(new RecordingLogger(), () -> ProgressListener.NONE);
    private static CpuBackend backend;
    private static LabeledImages mnist, fashion;
    private static Weights untrainedLenetAll;

    @TempDir Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        backend = new CpuBackend(2);
        DataPaths paths = new DataPaths(Path.of("data"), Path.of("test-data"));
        mnist = paths.mnistTestSlice();
        fashion = paths.fashionMnistTestSlice();
        Network net = Presets.get("lenet-all").compile();
        Map<String, float[]> params = new Trainer(net, TrainConfig.paper(1, 3), (ta, tb, m, n, k, a, ao, b, bo, beta, c, co) -> {
            throw new AssertionError("no training here");
        }).initialParams();
        untrainedLenetAll = new Weights(net, params, Map.of());
    }

    @AfterAll
    static void tearDown() { backend.close(); }

    private ExperimentRun run(String name, Path out) throws IOException {
        return new ExperimentRun(name, out, backend, 2, QUIET, "test " + name);
    }

    private static void assertPng(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a PNG");
        assertTrue(image.getWidth() >= 600 && image.getHeight() >= 400, png + " is " + image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void cifarCommandRunsOnSyntheticFilesAndResumes() throws Exception {
        Path data = tmp.resolve("cifar");
        Files.createDirectories(data);
        Random r = new Random(5);
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin")) {
            byte[] bytes = new byte[3 * 3073];
            r.nextBytes(bytes);
            for (int rec = 0; rec < 3; rec++) bytes[rec * 3073] = (byte) r.nextInt(10);
            Files.write(data.resolve(f), bytes);
        }
        Path out = tmp.resolve("out");
        String[] args = {"experiment", "cifar", "--data", data.toString(), "--out", out.toString(), "--iterations", "2",
                "--eval-every", "1", "-T", "2", "--batch", "2", "--test-images", "2", "--threads", "2", "--backend", "cpu"};
        assertEquals(0, Main.run(args));
        List<String> csv = Files.readAllLines(out.resolve("placement.csv"));
        assertEquals(1 + 3 * 2, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("cifar-lenet-none,1,2,2,"), csv.get(1));
        assertTrue(csv.getLast().startsWith("cifar-lenet-all,2,2,2,"), csv.getLast());
        assertPng(out.resolve("placement.png"));
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("CIFAR-10") && summary.contains("cifar-lenet-ip") && summary.contains("--iterations 2"), summary);
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/cifar-lenet-all.iter2.safetensors")));

        long progressLines = Files.readAllLines(out.resolve("progress.csv")).size();
        assertEquals(1 + 9, progressLines, "header + 3 × (2 evaluations + 1 training)");
        assertEquals(0, Main.run(args));
        assertEquals(csv, Files.readAllLines(out.resolve("placement.csv")));
        assertEquals(progressLines, Files.readAllLines(out.resolve("progress.csv")).size(), "the rerun recomputed something");

        assertEquals(1, Main.run("experiment", "cifar", "--data", tmp.resolve("missing").toString(), "--out", out.toString()),
                "missing CIFAR files are a clear failure");
    }

    @Test
    void subsetsTrainsBothModelsPerSubset() throws Exception {
        Path out = tmp.resolve("subsets");
        var s = new SubsetsExperiment.Settings(List.of(4, 8), 2, 2, 1, 0, 2, 42, 4, false);
        Table csv;
        try (ExperimentRun run = run("subsets", out)) {
            csv = SubsetsExperiment.run(run, s, mnist.slice(0, 200), mnist.slice(200, 10));
            assertEquals(8, run.units().computed(), "2 subsets × 2 models × (1 evaluation + 1 training)");
        }
        assertEquals(4, csv.size());
        assertEquals(List.of("1/4", "1/4", "1/8", "1/8"), csv.rows().stream().map(row -> row.get(0)).toList());
        assertEquals("50", csv.get(0, "training_images"));
        assertEquals("25", csv.get(2, "training_images"));
        assertEquals(List.of("lenet-ip", "lenet-all"), List.of(csv.get(0, "model"), csv.get(1, "model")));
        assertEquals(csv.toCsv(), Files.readString(out.resolve("subsets.csv")));
        assertPng(out.resolve("subsets.png"));
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/subset8-lenet-all.iter2.safetensors")));
    }

    @Test
    void convergenceAggregatesSeedsAndResumes() throws Exception {
        Path out = tmp.resolve("convergence");
        var s = new ConvergenceExperiment.Settings(List.of(1, 2, 4), 3, 7, "untrained lenet-all");
        LabeledImages test = mnist.slice(0, 30);
        Table csv;
        try (ExperimentRun run = run("convergence", out)) {
            csv = ConvergenceExperiment.run(run, s, untrainedLenetAll, test);
            assertEquals(9, run.units().computed());
        }
        Table raw = Table.read(out.resolve("convergence-runs.csv"));
        assertEquals(9, raw.size());
        for (int i = 0; i < 3; i++) {
            double[] errors = new double[3];
            for (int k = 0; k < 3; k++) {
                assertEquals(csv.get(i, "samples"), raw.get(3 * i + k, "samples"));
                assertEquals(Long.toString(7 + k), raw.get(3 * i + k, "seed"));
                errors[k] = raw.getDouble(3 * i + k, "mc_error_percent");
            }
            assertEquals(ConvergenceExperiment.mean(errors), csv.getDouble(i, "mc_error_mean_percent"), 1e-12);
            assertEquals(ConvergenceExperiment.sampleStd(errors), csv.getDouble(i, "mc_error_std_percent"), 1e-12);
            assertEquals(csv.get(0, "standard_error_percent"), csv.get(i, "standard_error_percent"), "standard dropout does not depend on T");
        }
        // one unit against the predictor directly
        Evaluation e = Predictions.evaluate(backend, untrainedLenetAll, McOptions.defaults().withSamples(2).withSeed(8), test, null, "check");
        assertEquals(e.mcErrorPercent(), raw.getDouble(4, "mc_error_percent"), 0.0);
        assertPng(out.resolve("convergence.png"));

        Files.delete(out.resolve("units/T4.seed9.csv"));
        try (ExperimentRun run = run("convergence", out)) {
            assertEquals(csv.toCsv(), ConvergenceExperiment.run(run, s, untrainedLenetAll, test).toCsv());
            assertEquals(1, run.units().computed(), "only the deleted unit is recomputed");
            assertEquals(8, run.units().reused());
        }
    }

    @Test
    void uncertaintyWritesEveryMetricConsistentWithThePredictor() throws Exception {
        Path out = tmp.resolve("uncertainty");
        LabeledImages in = mnist.slice(0, 40), ood = fashion.slice(0, 30);
        var s = new UncertaintyExperiment.Settings(3, 42, "untrained lenet-all", "MNIST test", "Fashion-MNIST test");
        try (ExperimentRun run = run("uncertainty", out)) {
            UncertaintyExperiment.run(run, s, untrainedLenetAll, in, ood);
        }
        Table metrics = Table.read(out.resolve("metrics.csv"));
        assertEquals(List.of("error_percent", "nll", "brier", "ece_15_bins"), metrics.rows().stream().map(r -> r.getFirst()).toList());
        Evaluation e = Predictions.evaluate(backend, untrainedLenetAll, McOptions.defaults().withSamples(3).withSeed(42), in, null, "check");
        assertEquals(e.standardErrorPercent(), metrics.getDouble(0, "standard"), 1e-9);
        assertEquals(e.mcErrorPercent(), metrics.getDouble(0, "mc"), 1e-9);
        assertEquals(e.standardNll(), metrics.getDouble(1, "standard"), 1e-9);
        assertEquals(e.mcNll(), metrics.getDouble(1, "mc"), 1e-9);

        Table oodTable = Table.read(out.resolve("ood.csv"));
        assertEquals(5, oodTable.size());
        for (int i = 0; i < 5; i++) {
            for (String k : List.of("auroc", "aupr_in", "aupr_out", "fpr95_in_positive", "fpr95_ood_positive")) {
                double v = oodTable.getDouble(i, k);
                assertTrue(v >= 0 && v <= 1, k + " " + v);
            }
        }
        Table aurc = Table.read(out.resolve("aurc.csv"));
        assertEquals(5, aurc.size());
        for (int i = 0; i < 5; i++) assertTrue(aurc.getDouble(i, "aurc") >= aurc.getDouble(i, "e_aurc") && aurc.getDouble(i, "e_aurc") >= 0);
        Table rejection = Table.read(out.resolve("rejection.csv"));
        assertEquals(5 * UncertaintyMetrics.REJECTION_RATES.length, rejection.size());
        for (int i = 0; i < rejection.size(); i++) {
            if (rejection.getDouble(i, "rejection_rate") != 0) continue; // refusing nothing: plain accuracy
            double error = rejection.get(i, "dropout").equals("mc") ? e.mcErrorPercent() : e.standardErrorPercent();
            assertEquals(1 - error / 100, rejection.getDouble(i, "accuracy"), 1e-12, rejection.rows().get(i).toString());
        }
        Table reliability = Table.read(out.resolve("reliability.csv"));
        assertEquals(30, reliability.size());
        int counted = 0;
        for (int i = 0; i < 15; i++) counted += Integer.parseInt(reliability.get(i, "count"));
        assertEquals(40, counted, "every in-distribution image is in one bin");
        assertPng(out.resolve("reliability.png"));
        assertPng(out.resolve("rejection.png"));
        assertPng(out.resolve("ood-roc.png"));
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("AUROC") && summary.contains("ECE") && summary.contains("machine:"), summary);

        // stored predictions round-trip exactly: a rerun recomputes nothing and writes the same numbers
        String before = Files.readString(out.resolve("ood.csv")) + Files.readString(out.resolve("metrics.csv"))
                + Files.readString(out.resolve("aurc.csv"));
        try (ExperimentRun run = run("uncertainty", out)) {
            UncertaintyExperiment.run(run, s, untrainedLenetAll, in, ood);
            assertEquals(0, run.units().computed());
        }
        assertEquals(before, Files.readString(out.resolve("ood.csv")) + Files.readString(out.resolve("metrics.csv"))
                + Files.readString(out.resolve("aurc.csv")));
    }

    @Test
    void rotationWritesSamplesConsistentWithItsSummaries() throws Exception {
        Path out = tmp.resolve("rotation");
        var s = new RotationExperiment.Settings(4, 42, "untrained lenet-all", 2, 90, 3);
        try (ExperimentRun run = run("rotation", out)) {
            RotationExperiment.run(run, s, untrainedLenetAll, mnist);
        }
        Table scores = Table.read(out.resolve("scores.csv")), probs = Table.read(out.resolve("probabilities.csv"));
        assertEquals(4, scores.size());
        assertEquals(4 * 10, probs.size());
        assertEquals(List.of(0.0, 30.0, 60.0, 90.0), scores.rows().stream().map(r -> Double.parseDouble(r.getFirst())).toList());
        // samples.npy (T=4, 4 angles, 10 classes): its mean over T is the MC mean in probabilities.csv
        java.nio.ByteBuffer npy = java.nio.ByteBuffer.wrap(Files.readAllBytes(out.resolve("samples.npy"))).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int data = 10 + (npy.getShort(8) & 0xFFFF);
        assertEquals(data + 4 * 4 * 4 * 10, npy.capacity());
        for (int row = 0; row < probs.size(); row++) {
            int angle = row / 10, c = Integer.parseInt(probs.get(row, "class"));
            double mean = 0;
            for (int t = 0; t < 4; t++) mean += npy.getFloat(data + 4 * ((t * 4 + angle) * 10 + c)) / 4.0;
            assertEquals(probs.getDouble(row, "mc_mean"), mean, 1e-6, "angle " + angle + " class " + c);
            assertTrue(probs.getDouble(row, "mc_min") <= mean && mean <= probs.getDouble(row, "mc_max"));
        }
        assertPng(out.resolve("probabilities.png"));
        assertPng(out.resolve("uncertainty.png"));
        assertNotNull(ImageIO.read(out.resolve("rotations.png").toFile()));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| 60° |"));
        var outside = assertThrows(IllegalArgumentException.class, () -> {
            try (ExperimentRun run = run("rotation", tmp.resolve("other"))) {
                RotationExperiment.run(run, new RotationExperiment.Settings(4, 42, "x", 5000, 90, 3), untrainedLenetAll, mnist);
            }
        });
        assertTrue(outside.getMessage().contains("image 5000"), outside.getMessage());
    }

    @Test
    void modelCommandsRunThroughTheCli() throws Exception {
        Path model = tmp.resolve("tiny-lenet-all.safetensors");
        dev.mcdrop.model.WeightsFile.save(untrainedLenetAll, model, Map.of());
        Path data = tmp.resolve("mnist"), ood = tmp.resolve("fashion");
        Files.createDirectories(data);
        Files.createDirectories(ood);
        dev.mcdrop.data.Idx.write(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), mnist.slice(0, 30), false);
        dev.mcdrop.data.Idx.write(ood.resolve("t10k-images-idx3-ubyte.gz"), ood.resolve("t10k-labels-idx1-ubyte.gz"), fashion.slice(0, 20), true);
        Path conv = tmp.resolve("conv"), unc = tmp.resolve("unc");
        assertEquals(0, Main.run("experiment", "convergence", "--model", model.toString(), "--data", data.toString(),
                "--samples-list", "1,3", "--seeds", "2", "--test-images", "10", "--backend", "cpu", "--threads", "2", "--out", conv.toString()));
        assertEquals(3, Files.readAllLines(conv.resolve("convergence.csv")).size());
        assertTrue(Files.readString(conv.resolve("summary.md")).contains("tiny-lenet-all"));
        assertEquals(0, Main.run("experiment", "uncertainty", "--model", model.toString(), "--data", data.toString(),
                "--ood", ood.toString(), "-T", "2", "--backend", "cpu", "--threads", "2", "--out", unc.toString()));
        assertEquals(30, Files.readAllLines(unc.resolve("units/predictions-in.csv")).size() - 1);
        assertEquals(20, Files.readAllLines(unc.resolve("units/predictions-ood.csv")).size() - 1);
        // other settings in the same folder: refused with exit code 1
        assertEquals(1, Main.run("experiment", "uncertainty", "--model", model.toString(), "--data", data.toString(),
                "--ood", ood.toString(), "-T", "3", "--backend", "cpu", "--out", unc.toString()));
    }

    @Test
    void testImagesAreSpreadOverTheWholeSet() {
        LabeledImages four = Datasets.spread(mnist, 4);
        assertEquals(4, four.count());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(mnist.imageBytes(i * 250), four.imageBytes(i));
            assertEquals(mnist.label(i * 250), four.label(i));
        }
        assertSame(mnist, Datasets.spread(mnist, 0));
        assertSame(mnist, Datasets.spread(mnist, 5000));
    }

    @Test
    void tableRoundTripsAndRefusesCommas() throws Exception {
        Table t = new Table("a", "b").add(0.1 + 0.2, 1e-300).add(Float.MIN_VALUE, "x");
        Path f = tmp.resolve("t.csv");
        t.write(f);
        Table back = Table.read(f);
        assertEquals(0.1 + 0.2, back.getDouble(0, "a"), 0.0);
        assertEquals(1e-300, back.getDouble(0, "b"), 0.0);
        assertEquals(Float.MIN_VALUE, Float.parseFloat(back.get(1, "a")), 0.0f);
        assertThrows(IllegalArgumentException.class, () -> t.add("a,b", 1));
        assertThrows(IllegalArgumentException.class, () -> t.add(1));
        assertTrue(t.toMarkdown().startsWith("| a | b |\n|---|---|\n"));
    }
}
