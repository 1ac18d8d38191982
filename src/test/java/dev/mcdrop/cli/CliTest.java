package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.WeightsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on the bundled model and data, in-process, as a script would use it. */
class CliTest {
    @TempDir Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        return capture(() -> Main.run(args));
    }

    /** Runs {@code action} with System.out and System.err captured; its result is the exit code. */
    static synchronized Run capture(java.util.function.IntSupplier action) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = action.getAsInt();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** {@link #run} with stdout left as the caller set it (out is empty): stderr captured only. */
    static synchronized Run runCapturingErrOnly(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            System.out.flush();
            return new Run(code, "", err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void predictWritesOneJsonLinePerBundledImage() throws Exception {
        Path out = dir.resolve("p.jsonl");
        Run r = run("predict", "--samples", "10", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(1000, lines.size());
        ObjectMapper json = new ObjectMapper();
        int correct = 0;
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            double sum = 0;
            for (JsonNode p : n.get("probs")) sum += p.asDouble();
            assertEquals(1.0, sum, 1e-3);
            assertTrue(n.get("mutual_information").asDouble() >= 0);
            assertTrue(n.get("entropy").asDouble() >= n.get("mutual_information").asDouble() - 1e-6);
            if (n.get("predicted").asInt() == n.get("label").asInt()) correct++;
        }
        assertTrue(correct >= 970, "bundled lenet-all got only " + correct + "/1000 right");
        assertTrue(r.err().contains("test error MC"), r.err());
    }

    @Test
    void predictCsvAndImageFiles() throws Exception {
        Run r = run("predict", "--samples", "20", "--backend", "cpu", "--format", "csv", "--input", "test-data/images");
        assertEquals(0, r.exit(), r.err());
        String[] rows = r.out().strip().split("\n");
        assertEquals(3, rows.length, r.out());
        assertTrue(rows[0].startsWith("index,file,label,predicted"), rows[0]);
        // sorted file names: digit-2-inverted.png, digit-7.png
        assertEquals("digit-2-inverted.png", rows[1].split(",")[1], rows[1]);
        assertEquals("2", rows[1].split(",")[3], rows[1]);
        assertEquals("7", rows[2].split(",")[3], rows[2]);
    }

    @Test
    void sameSeedSameOutputWhateverBatchAndMemory() {
        Run a = run("predict", "--samples", "8", "--backend", "cpu", "--input", "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz");
        Run b = run("predict", "--samples", "8", "--backend", "cpu", "--batch", "37", "--memory", "8", "--threads", "1",
                "--input", "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz");
        Run c = run("predict", "--samples", "8", "--seed", "7", "--backend", "cpu", "--input", "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz");
        assertEquals(0, a.exit(), a.err());
        assertEquals(0, b.exit(), b.err());
        assertEquals(a.out(), b.out());
        assertNotEquals(a.out(), c.out());
    }

    @Test
    void evalJson() throws Exception {
        Run r = run("eval", "--samples", "10", "--backend", "cpu", "--json", "--data", "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz");
        assertEquals(0, r.exit(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(1000, n.get("images").asInt());
        assertTrue(n.get("mc_error_percent").asDouble() < 3.0, r.out());
        assertTrue(n.get("mc_nll").asDouble() > 0, r.out());
    }

    @Test
    void benchReportsThroughput() {
        Run r = run("bench", "--samples", "4", "--batch", "50", "--repeat", "1", "--warmup", "0", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("stochastic image-passes/s"), r.out());
    }

    @Test
    void infoShowsPresetParameters() {
        Run r = run("info", "--preset", "keras-cnn");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("121930"), r.out());
    }

    @Test
    void trainWritesALoadableCheckpoint() throws Exception {
        LabeledImages slice = Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz")).slice(0, 256);
        Idx.write(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), slice, false);
        Path out = dir.resolve("tiny.safetensors");
        Run r = run("train", "--arch", "lenet-ip", "--iterations", "4", "--batch", "16", "--data", dir.toString(),
                "--checkpoint-every", "2", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("4", WeightsFile.load(out).metadata().get("train.iterations"));
        assertEquals("2", WeightsFile.load(dir.resolve("tiny.iter2.safetensors")).metadata().get("train.iterations"));
        // a temp folder outside the home folder is recorded as given
        assertEquals(dir + " (256 images)", WeightsFile.load(out).metadata().get("train.data"));
    }

    @Test
    void pathsInsideTheHomeFolderAreRecordedRelativeToIt() {
        assertEquals("data" + java.io.File.separator + "mnist", Home.display(Home.resolve("data/mnist").toAbsolutePath()));
        assertEquals("/elsewhere/mnist", Home.display(Path.of("/elsewhere/mnist")));
    }

    @Test
    void errorsAreOneLineAndNonZero() throws Exception {
        Run missing = run("predict", "--model", "no/such.safetensors");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no/such.safetensors"), missing.err());

        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        Run bad = run("predict", "--model", corrupt.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().startsWith("mcdrop: ") && bad.err().contains("corrupt.safetensors"), bad.err());

        Run zero = run("predict", "--samples", "0");
        assertNotEquals(0, zero.exit());
        assertTrue(zero.err().contains("samples"), zero.err());

        Run format = run("predict", "--format", "xml");
        assertNotEquals(0, format.exit());
        assertTrue(format.err().contains("xml"), format.err());

        Run usage = run("predict", "--no-such-option");
        assertEquals(2, usage.exit());
    }

    @Test
    void cudaBackendWithoutGpuFailsClearly() {
        Run r = run("predict", "--backend", "cuda", "--samples", "2");
        if (r.exit() == 0) return; // a machine with a working GPU
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("mcdrop: --backend cuda: "), r.err());
        Run auto = run("predict", "--backend", "auto", "--samples", "2", "--input", "test-data/images/digit-7.png");
        assertEquals(0, auto.exit(), auto.err());
        assertTrue(auto.err().contains("mcdrop: backend cpu"), auto.err());
    }

    @Test
    void gemmPrecisionIsValidatedAndReportedAsGpuOnly() {
        Run cpu = run("predict", "--backend", "cpu", "--gemm-precision", "bf16", "--samples", "2",
                "--input", "test-data/images/digit-7.png");
        assertEquals(0, cpu.exit(), cpu.err());
        assertTrue(cpu.err().contains("--gemm-precision bf16 applies to the GPU only"), cpu.err());
        Run bad = run("predict", "--backend", "cpu", "--gemm-precision", "fp8", "--input", "test-data/images/digit-7.png");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown GEMM precision 'fp8' (fp32, tf32, fp16, bf16)"), bad.err());
        Run clash = run("predict", "--backend", "cpu", "--tf32", "--gemm-precision", "fp16", "--input", "test-data/images/digit-7.png");
        assertEquals(2, clash.exit(), "a usage error");
        assertTrue(clash.err().contains("--tf32 contradicts --gemm-precision fp16"), clash.err());
    }

    @Test
    void predictWritesEverySampleToANumpyFile() throws Exception {
        Path npy = java.nio.file.Files.createTempFile("mcdrop-samples", ".npy");
        try {
            Run r = run("predict", "--backend", "cpu", "--samples", "3", "--input", "test-data/images/digit-7.png",
                    "--samples-out", npy.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("writing 3 samples x 1 images x 10 classes"), r.err());
            assertEquals(128 + 4 * 3 * 10, java.nio.file.Files.size(npy)); // 128-byte header, then (3, 1, 10) float32
        } finally {
            java.nio.file.Files.deleteIfExists(npy);
        }
    }

    @Test
    void predictTakesCifarBinariesAndRgbPicturesForAThreeChannelModel() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("mcdrop-cifar");
        try {
            var net = dev.mcdrop.model.Presets.get("cifar-lenet-all").compile();
            var params = new dev.mcdrop.train.Trainer(net, dev.mcdrop.train.TrainConfig.paper(1, 3),
                    dev.mcdrop.train.NaiveGemm.INSTANCE).initialParams();
            Path model = dir.resolve("cifar.safetensors");
            WeightsFile.save(new dev.mcdrop.model.Weights(net, params, java.util.Map.of()), model, java.util.Map.of());
            byte[] records = new byte[3 * 3073]; // three records, labels 0, 1, 2
            for (int r = 0; r < 3; r++) {
                records[r * 3073] = (byte) r;
                for (int i = 1; i < 3073; i++) records[r * 3073 + i] = (byte) (r * 31 + i);
            }
            Path bin = java.nio.file.Files.write(dir.resolve("test_batch.bin"), records);
            Run fromBin = run("predict", "--backend", "cpu", "--model", model.toString(), "--samples", "2", "--input", bin.toString());
            assertEquals(0, fromBin.exit(), fromBin.err());
            assertEquals(3, fromBin.out().lines().count(), fromBin.out());
            assertTrue(fromBin.out().lines().skip(2).findFirst().orElseThrow().contains("\"label\":2"), fromBin.out());

            java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
            Path png = dir.resolve("photo.png");
            javax.imageio.ImageIO.write(rgb, "png", png.toFile());
            Run fromPng = run("predict", "--backend", "cpu", "--model", model.toString(), "--samples", "2", "--input", png.toString());
            assertEquals(0, fromPng.exit(), fromPng.err());
            assertEquals(1, fromPng.out().lines().count(), fromPng.out());
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void trainAndBenchWorkForACifarModel() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("mcdrop-cifar-train");
        try {
            for (int f = 1; f <= 5; f++) { // five tiny data_batch files of 4 records each
                byte[] records = new byte[4 * 3073];
                for (int r = 0; r < 4; r++) {
                    records[r * 3073] = (byte) ((f + r) % 10);
                    for (int i = 1; i < 3073; i++) records[r * 3073 + i] = (byte) (f * 13 + r * 7 + i);
                }
                java.nio.file.Files.write(dir.resolve("data_batch_" + f + ".bin"), records);
            }
            Path model = dir.resolve("cifar.safetensors");
            Run train = run("train", "--arch", "cifar-lenet-all", "--data", dir.toString(), "--iterations", "2", "--batch", "4",
                    "--out", model.toString());
            assertEquals(0, train.exit(), train.err());
            assertTrue(train.err().contains("(20 images"), train.err());
            Run bench = run("bench", "--backend", "cpu", "--model", model.toString(), "--samples", "2", "--batch", "4",
                    "--images", "8", "--repeat", "1", "--warmup", "0", "--compare-cpu");
            assertEquals(0, bench.exit(), bench.err());
            assertTrue(bench.err().contains("random images of that shape"), bench.err());
            assertTrue(bench.out().contains("compare with cpu on"), bench.out());
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void predictNamesThePictureFileOfEachRecord() throws Exception {
        Run r = run("predict", "--backend", "cpu", "--samples", "2", "--input", "test-data/images");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        assertEquals("digit-2-inverted.png", json.readTree(lines.get(0)).get("file").asText());
        assertEquals("digit-7.png", json.readTree(lines.get(1)).get("file").asText());
    }

    @Test
    void convAlgorithmIsValidatedAndReportedAsGpuOnly() {
        Run cpu = run("predict", "--backend", "cpu", "--conv", "implicit", "--samples", "2",
                "--input", "test-data/images/digit-7.png");
        assertEquals(0, cpu.exit(), cpu.err());
        assertTrue(cpu.err().contains("--conv implicit applies to the GPU only"), cpu.err());
        Run bad = run("predict", "--backend", "cpu", "--conv", "winograd", "--input", "test-data/images/digit-7.png");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown convolution algorithm 'winograd' (im2col, implicit)"), bad.err());
    }
}
