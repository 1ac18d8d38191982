package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcdrop predict} as a user runs it: the std column against the per-pass samples, mask
 * keys (content by default, position reproducing the output recorded before content keys), MiB
 * for memory, and output streamed batch by batch.
 */
class PredictOutputTest {
    @TempDir Path dir;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> records(Path jsonl) throws IOException {
        List<JsonNode> r = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) r.add(JSON.readTree(line));
        return r;
    }

    /** A (T, N, K) float32 .npy as [t][n][k]. */
    private static float[][][] npy(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = b.getShort(8) & 0xFFFF;
        String header = new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII);
        String[] dims = header.replaceAll(".*'shape': \\((\\d+), (\\d+), (\\d+)\\).*", "$1 $2 $3").strip().split(" ");
        int t = Integer.parseInt(dims[0]), n = Integer.parseInt(dims[1]), k = Integer.parseInt(dims[2]);
        b.position(10 + headerLength);
        float[][][] s = new float[t][n][k];
        for (float[][] a : s) for (float[] row : a) for (int c = 0; c < k; c++) row[c] = b.getFloat();
        return s;
    }

    @Test
    void stdIsTheStdOfTheSamplesOutArray() throws Exception {
        Path out = dir.resolve("p.jsonl"), samples = dir.resolve("s.npy");
        CliTest.Run r = CliTest.run("predict", "--samples", "10", "--seed", "7", "--backend", "cpu",
                "--out", out.toString(), "--samples-out", samples.toString());
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> rows = records(out);
        float[][][] s = npy(samples);
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            int k = rows.get(i).get("predicted").asInt();
            double mean = 0, var = 0;
            for (float[][] pass : s) mean += pass[i][k];
            mean /= s.length;
            for (float[][] pass : s) var += (pass[i][k] - mean) * (pass[i][k] - mean);
            worst = Math.max(worst, Math.abs(rows.get(i).get("std").asDouble() - Math.sqrt(var / s.length)));
        }
        // the old float32 Σp² − (Σp)²/T was off by more than 1e-6 on 848 of these 1,000 images (up to 5.3e-4)
        assertTrue(worst <= 1e-6, "std differs from the float64 std of --samples-out by up to " + worst);
    }

    @Test
    void networkWithoutDropoutReportsStdZero() throws Exception {
        Path out = dir.resolve("none.jsonl");
        CliTest.Run r = CliTest.run("predict", "--model", "models/lenet-none.safetensors", "--samples", "10", "--seed", "7",
                "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        for (JsonNode n : records(out)) {
            assertEquals(0.0, n.get("std").asDouble(), 0.0, n.toString());
            assertEquals(0.0, n.get("mutual_information").asDouble(), 0.0, "one distinct pass: no epistemic part " + n);
        }
    }

    @Test
    void aLargeTOnFewImagesIsNotRefusedForTheDefaultBatch() {
        RunOptions o = picocli.CommandLine.populateCommand(new RunOptions(), "--samples", "3000000");
        assertEquals(1, o.options(1).batchImages(), "the batch is capped to the images before T × B is checked");
    }

    @Test
    void positionKeysReproduceTheOutputRecordedBeforeContentKeys() throws Exception {
        // SHA-256 of the output of main at 2a8cff4 (2026-12-03, before content keys) for this command; its JSON lines
        // with the "std" field removed (std was wrong then, see stdIsTheStdOfTheSamplesOutArray)
        Path out = dir.resolve("pos.jsonl"), samples = dir.resolve("pos.npy");
        CliTest.Run r = CliTest.run("predict", "--samples", "10", "--seed", "7", "--mask-key", "position", "--backend", "cpu",
                "--out", out.toString(), "--samples-out", samples.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("6aa4f8cfddff9d448e081c23cbf7aef6d9c46bd5d0d5411499d23d27ca8388e8", sha256(Files.readAllBytes(samples)),
                "--samples-out, byte for byte");
        StringBuilder withoutStd = new StringBuilder();
        for (String line : Files.readAllLines(out)) withoutStd.append(line.replaceAll(",\"std\":[^,]*", "")).append('\n');
        assertEquals("11bf00c32d56eab5b5bc0567f74b91e4e33aafa6c3168b60eefc381c67def204",
                sha256(withoutStd.toString().getBytes(StandardCharsets.UTF_8)), "the JSON lines but std, byte for byte");
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void contentKeysGiveAnImageOneAnswerAloneInADirectoryAndAnywhereInAFile() throws Exception {
        Path mnist = Path.of("test-data/mnist");
        LabeledImages all = Idx.read(mnist.resolve("t10k-images-first1000-idx3-ubyte.gz"), mnist.resolve("t10k-labels-first1000-idx1-ubyte.gz"));
        int which = 37;
        Path pictures = Files.createDirectories(dir.resolve("pictures"));
        for (int i : new int[]{which, 3, 4, 5}) png(all, i, pictures.resolve("digit-" + i + ".png"));
        // the same image first and last of a 1,000-image IDX file
        int[] order = IntStream.range(0, 1000).map(i -> i == 0 ? which : i == 999 ? which : i == which ? 0 : i).toArray();
        Path idx = dir.resolve("moved-images-idx3-ubyte"), labels = dir.resolve("moved-labels-idx1-ubyte");
        Idx.write(idx, labels, all.subset(order), false);

        JsonNode alone = only(run("--input", pictures.resolve("digit-" + which + ".png").toString()), 0);
        JsonNode inDirectory = null;
        for (JsonNode n : run("--input", pictures.toString())) if (n.get("file").asText().equals("digit-" + which + ".png")) inDirectory = n;
        List<JsonNode> file = run("--input", idx.toString(), "--batch", "300");
        for (JsonNode n : new JsonNode[]{inDirectory, file.get(0), file.get(999)}) {
            assertEquals(answer(alone), answer(n), "content keys: the same answer alone, in a directory, at positions 0 and 999");
        }
    }

    private List<JsonNode> run(String... input) throws IOException {
        Path out = dir.resolve("run-" + System.nanoTime() + ".jsonl");
        List<String> args = new ArrayList<>(List.of("predict", "--samples", "20", "--seed", "3", "--backend", "cpu", "--out", out.toString()));
        args.addAll(List.of(input));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return records(out);
    }

    private static JsonNode only(List<JsonNode> rows, int i) { return rows.get(i); }

    /** The record without where the image came from (index, file, label). */
    private static String answer(JsonNode n) {
        ObjectNode copy = n.deepCopy();
        copy.remove(List.of("index", "file", "label"));
        return copy.toString();
    }

    private static void png(LabeledImages images, int i, Path file) throws IOException {
        BufferedImage img = new BufferedImage(images.width(), images.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < images.height(); y++)
            for (int x = 0; x < images.width(); x++) img.getRaster().setSample(x, y, 0, images.pixel(i, 0, y, x));
        assertTrue(ImageIO.write(img, "png", file.toFile()));
    }

    @Test
    void memoryIsInMiB() {
        CliTest.Run r = CliTest.run("predict", "--samples", "2", "--memory", "64", "--backend", "cpu", "--out", dir.resolve("m.jsonl").toString());
        assertEquals(0, r.exit(), r.err());
        String summary = r.err().lines().filter(l -> l.contains("stochastic passes in")).findFirst().orElseThrow();
        long mib = Long.parseLong(summary.replaceAll(".*, (\\d+) MiB workspace\\).*", "$1"));
        assertTrue(mib > 32 && mib <= 64, summary);
        assertTrue(CliTest.run("predict", "--help").out().contains("in MiB"));
    }

    /** A stdout that keeps what it gets, counts the complete lines it holds at each flush, and can fail like a closed pipe. */
    private static final class Stdout extends OutputStream {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<Long> linesAtFlush = new ArrayList<>();
        final int failAfter;
        int writes;

        Stdout(int failAfter) { this.failAfter = failAfter; }

        @Override public void write(int b) throws IOException { write(new byte[]{(byte) b}, 0, 1); }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            if (++writes > failAfter) throw new IOException("Broken pipe");
            data.write(b, off, len);
        }

        @Override public void flush() {
            long lines = data.toString(StandardCharsets.UTF_8).lines().count();
            if (linesAtFlush.isEmpty() || linesAtFlush.getLast() != lines) linesAtFlush.add(lines);
        }
    }

    private static CliTest.Run withStdout(Stdout stdout, String... args) {
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(stdout, false, StandardCharsets.UTF_8));
            CliTest.Run r = CliTest.runCapturingErrOnly(args);
            return r;
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void recordsStreamBatchByBatch() {
        Stdout stdout = new Stdout(Integer.MAX_VALUE);
        CliTest.Run r = withStdout(stdout, "predict", "--samples", "5", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1000, stdout.data.toString(StandardCharsets.UTF_8).lines().count());
        // each batch is flushed as soon as it is predicted: batches of 64, 128, 256, 512 and the last 40 images
        assertEquals(List.of(64L, 192L, 448L, 960L, 1000L), stdout.linesAtFlush, "complete lines on stdout at each flush");
    }

    @Test
    void aClosedStdoutStopsTheRunWithExit1() {
        Stdout stdout = new Stdout(1);                         // like `| head -1` closing the pipe
        CliTest.Run r = withStdout(stdout, "predict", "--samples", "30", "--backend", "cpu");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("mcdrop: cannot write the predictions to stdout"), r.err());
        assertFalse(r.err().contains("stochastic passes in"), "stopped before the end: " + r.err());
    }

    @Test
    void outputPathsAreCheckedBeforeAnyWork() throws Exception {
        CliTest.Run missing = CliTest.run("predict", "--samples", "2", "--out", dir.resolve("no/such/dir/p.jsonl").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("--out " + dir.resolve("no/such/dir/p.jsonl") + ": directory") && missing.err().contains("does not exist")
                && !missing.err().contains(".tmp") && !missing.err().contains("stochastic passes"), missing.err());
        CliTest.Run directory = CliTest.run("predict", "--samples", "2", "--samples-out", dir.toString());
        assertEquals(1, directory.exit());
        assertTrue(directory.err().contains("--samples-out " + dir + " is a directory") && !directory.err().contains("stochastic passes"),
                directory.err());
    }

    @Test
    void samplesOutIsReplacedOnlyWhenTheRunSucceeds() throws Exception {
        Path samples = dir.resolve("s.npy");
        Files.writeString(samples, "an earlier run's samples");
        Stdout stdout = new Stdout(1);                         // the run stops at its first batch
        CliTest.Run r = withStdout(stdout, "predict", "--samples", "5", "--backend", "cpu", "--samples-out", samples.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("an earlier run's samples", Files.readString(samples));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("s.npy"), listing.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void outIsReplacedOnlyWhenTheRunSucceeds() throws Exception {
        Path out = dir.resolve("kept.jsonl");
        Files.writeString(out, "previous results\n");
        // a model whose last layer's weights overflow the logits to infinity: the run stops at its first
        // batch ("gives non-finite probabilities")
        Path broken = FailedRunsTellWhyTest.brokenModel(dir);
        CliTest.Run r = CliTest.run("predict", "--model", broken.toString(), "--samples", "2", "--backend", "cpu", "--out", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("non-finite probabilities"), r.err());
        Files.delete(broken);
        assertEquals("previous results\n", Files.readString(out), "a failed run leaves --out as it was");
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("kept.jsonl"), listing.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
        assertEquals(0, CliTest.run("predict", "--samples", "2", "--backend", "cpu", "--out", out.toString()).exit());
        assertEquals(1000, Files.readAllLines(out).size());
    }
}
