package dev.mcdrop.cli;

import static dev.mcdrop.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.Table;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.train.TrainConfig;
import dev.mcdrop.train.Trainer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcdrop eval} on every labelled input format, with and without {@code --ood}: one finite
 * JSON object holding every metric, the same numbers as {@code experiment uncertainty} on the same
 * files, class folders equal to the IDX file of the same pictures, and clear refusals.
 */
class EvalCommandTest {
    private static final String MNIST = "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz";
    private static final String FASHION = "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private static JsonNode json(CliTest.Run r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count(), "one JSON object on one line: " + r.out());
        JsonNode n = JSON.readTree(r.out());
        assertFinite(n, "");
        return n;
    }

    /** No NaN or infinity anywhere (Jackson would write NaN unquoted, which is not JSON). */
    private static void assertFinite(JsonNode n, String path) {
        if (n.isNumber()) assertTrue(Double.isFinite(n.asDouble()), path + " = " + n);
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            assertFinite(e.getValue(), path + "." + e.getKey());
        }
        for (int i = 0; n.isArray() && i < n.size(); i++) assertFinite(n.get(i), path + "[" + i + "]");
    }

    @Test
    void jsonHoldsEveryMetricAndTheOodDetection() throws Exception {
        JsonNode n = json(run("eval", "-T", "5", "--backend", "cpu", "--json", "--input", MNIST, "--ood", FASHION));
        assertEquals(1000, n.get("images").asInt());
        for (String mode : List.of("standard", "mc")) {
            JsonNode m = n.get(mode);
            assertEquals(n.get(mode + "_error_percent").asDouble(), m.get("error_percent").asDouble(), 0.0, "old key kept, same value");
            assertEquals(n.get(mode + "_nll").asDouble(), m.get("nll").asDouble(), 0.0);
            assertEquals(100.0 * m.get("errors").asInt() / 1000, m.get("error_percent").asDouble(), 1e-12);
            assertTrue(m.get("brier").asDouble() > 0 && m.get("brier").asDouble() < 0.1, m.toString());
            assertTrue(m.get("ece_15_bins").asDouble() > 0 && m.get("ece_15_bins").asDouble() < 0.05, m.toString());
        }
        assertEquals(5, n.get("selective").size(), "standard: max probability, entropy; MC: those and mutual information");
        for (JsonNode s : n.get("selective")) {
            assertTrue(s.get("aurc").asDouble() >= s.get("e_aurc").asDouble() && s.get("e_aurc").asDouble() >= 0, s.toString());
        }
        JsonNode ood = n.get("ood");
        assertEquals(200, ood.get("images").asInt());
        assertEquals(FASHION, ood.get("input").asText());
        assertEquals(5, ood.get("detection").size());
        for (JsonNode d : ood.get("detection")) {
            for (String k : List.of("auroc", "aupr_in", "aupr_out", "fpr95_in_positive", "fpr95_ood_positive")) {
                assertTrue(d.get(k).asDouble() >= 0 && d.get(k).asDouble() <= 1, k + " " + d);
            }
            // the trained lenet-all tells Fashion-MNIST from MNIST by every score
            assertTrue(d.get("auroc").asDouble() > 0.85, d.toString());
            assertTrue(d.get("mean_ood").asDouble() > d.get("mean_in").asDouble(), d.toString());
        }
        assertTrue(json(run("eval", "-T", "2", "--backend", "cpu", "--json", "--input", MNIST)).get("ood").isNull());
    }

    @Test
    void sameNumbersAsTheUncertaintyExperimentOnTheSameFiles() throws Exception {
        Path in = dir.resolve("mnist"), ood = dir.resolve("fashion"), out = dir.resolve("unc");
        Files.createDirectories(in);
        Files.createDirectories(ood);
        Idx.write(in.resolve("t10k-images-idx3-ubyte"), in.resolve("t10k-labels-idx1-ubyte"), idx(MNIST).slice(0, 60), false);
        Idx.write(ood.resolve("t10k-images-idx3-ubyte.gz"), ood.resolve("t10k-labels-idx1-ubyte.gz"), idx(FASHION).slice(0, 40), true);
        CliTest.Run experiment = run("experiment", "uncertainty", "--data", in.toString(), "--ood", ood.toString(), "-T", "4",
                "--mc-seed", "9", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, experiment.exit(), experiment.err());
        JsonNode n = json(run("eval", "-T", "4", "--seed", "9", "--backend", "cpu", "--json",
                "--input", in.resolve("t10k-images-idx3-ubyte").toString(), "--ood", ood.resolve("t10k-images-idx3-ubyte.gz").toString()));

        Table metrics = Table.read(out.resolve("metrics.csv"));
        for (String mode : List.of("standard", "mc")) {
            assertEquals(metrics.getDouble(0, mode), n.get(mode).get("error_percent").asDouble(), 0.0);
            assertEquals(metrics.getDouble(1, mode), n.get(mode).get("nll").asDouble(), 0.0);
            assertEquals(metrics.getDouble(2, mode), n.get(mode).get("brier").asDouble(), 0.0);
            assertEquals(metrics.getDouble(3, mode), n.get(mode).get("ece_15_bins").asDouble(), 0.0);
        }
        Table detection = Table.read(out.resolve("ood.csv"));
        Table aurc = Table.read(out.resolve("aurc.csv"));
        for (int i = 0; i < 5; i++) {
            JsonNode d = n.get("ood").get("detection").get(i), s = n.get("selective").get(i);
            assertEquals(detection.get(i, "score"), d.get("score").asText());
            assertEquals(detection.get(i, "dropout"), d.get("dropout").asText());
            for (String k : List.of("auroc", "aupr_in", "aupr_out", "fpr95_in_positive", "fpr95_ood_positive", "mean_in", "mean_ood")) {
                assertEquals(detection.getDouble(i, k), d.get(k).asDouble(), 0.0, k + " of row " + i);
            }
            assertEquals(aurc.get(i, "score"), s.get("score").asText());
            assertEquals(aurc.getDouble(i, "aurc"), s.get("aurc").asDouble(), 0.0);
            assertEquals(aurc.getDouble(i, "e_aurc"), s.get("e_aurc").asDouble(), 0.0);
        }
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("AUPR-In") && summary.contains("FPR95 (in positive)") && summary.contains("AURC"), summary);
    }

    @Test
    void classFoldersOfPicturesGiveTheNumbersOfTheSameImagesAsIdx() throws Exception {
        LabeledImages mnist = idx(MNIST).slice(0, 50);
        Path folders = dir.resolve("digits");
        List<Integer> order = new ArrayList<>(); // the load order: by class, then by file name
        for (int label = 0; label < 10; label++) {
            for (int i = 0; i < mnist.count(); i++) {
                if (mnist.label(i) != label) continue;
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.getRaster().setSample(x, y, 0, mnist.pixel(i, 0, y, x));
                Path file = folders.resolve(label + "/test-" + String.format("%03d", i) + ".png");
                Files.createDirectories(file.getParent());
                ImageIO.write(img, "png", file.toFile());
                order.add(i);
            }
        }
        Path images = dir.resolve("same-images-idx3-ubyte"), labels = dir.resolve("same-labels-idx1-ubyte");
        Idx.write(images, labels, mnist.subset(order.stream().mapToInt(Integer::intValue).toArray()), false);

        JsonNode fromFolders = json(run("eval", "-T", "3", "--backend", "cpu", "--json", "--input", folders.toString()));
        JsonNode fromIdx = json(run("eval", "-T", "3", "--backend", "cpu", "--json", "--input", images.toString()));
        assertEquals(50, fromFolders.get("images").asInt());
        for (JsonNode n : List.of(fromFolders, fromIdx)) {
            ((ObjectNode) n).remove(List.of("input", "seconds"));
        }
        assertEquals(fromIdx, fromFolders);
        // predict names each record by its path inside the folders
        assertEquals("0/test-003.png", Inputs.load(folders, null, mnist.imageShape()).fileNames().getFirst());
    }

    @Test
    void cifarBinaryHoldsItsOwnLabels() throws Exception {
        Network net = Presets.get("cifar-lenet-ip").compile();
        Map<String, float[]> params = new Trainer(net, TrainConfig.paper(1, 3), (ta, tb, m, n, k, a, ao, b, bo, beta, c, co) -> {
            throw new AssertionError("no training here");
        }).initialParams();
        Path model = dir.resolve("cifar.safetensors");
        WeightsFile.save(new Weights(net, params, Map.of()), model, Map.of());
        byte[] records = new byte[6 * 3073];
        for (int r = 0; r < 6; r++) {
            records[r * 3073] = (byte) (r % 10);
            for (int i = 1; i < 3073; i++) records[r * 3073 + i] = (byte) (r * 31 + i * 7);
        }
        Path batch = dir.resolve("test_batch.bin");
        Files.write(batch, records);
        JsonNode n = json(run("eval", "--model", model.toString(), "-T", "2", "--backend", "cpu", "--json", "--input", batch.toString(),
                "--ood", batch.toString()));
        assertEquals(6, n.get("images").asInt());
        assertEquals(0.5, n.get("ood").get("detection").get(0).get("auroc").asDouble(), 0.0, "a set against itself: chance");
    }

    @Test
    void dataIsADeprecatedAliasOfInput() throws Exception {
        CliTest.Run old = run("eval", "-T", "2", "--backend", "cpu", "--json", "--data", MNIST);
        JsonNode viaData = json(old);
        assertEquals(1, old.err().lines().filter(l -> l.contains("deprecated")).count(), old.err());
        assertTrue(old.err().contains("mcdrop: warning: eval --data is deprecated; use --input"), old.err());
        CliTest.Run now = run("eval", "-T", "2", "--backend", "cpu", "--json", "--input", MNIST);
        JsonNode viaInput = json(now);
        assertFalse(now.err().contains("deprecated"), now.err());
        ((ObjectNode) viaData).remove("seconds");
        ((ObjectNode) viaInput).remove("seconds");
        assertEquals(viaInput, viaData);
        assertEquals(2, run("eval", "--data", MNIST, "--input", MNIST).exit(), "both: usage error");
        String help = run("eval", "--help").out();
        assertTrue(help.contains("--input") && help.contains("--ood") && !help.contains("--data"), help);
    }

    @Test
    void textOutputNamesEveryMetric() {
        CliTest.Run r = run("eval", "-T", "2", "--backend", "cpu", "--input", MNIST, "--ood", FASHION);
        assertEquals(0, r.exit(), r.err());
        for (String word : List.of("NLL", "Brier", "ECE", "AURC", "E-AURC", "AUROC", "AUPR-In", "AUPR-Out", "FPR95(in+)", "FPR95(ood+)",
                "MC dropout, mutual information")) {
            assertTrue(r.out().contains(word), word + " missing from\n" + r.out());
        }
    }

    @Test
    void refusesInputsItCannotScore() throws Exception {
        CliTest.Run flat = run("eval", "-T", "2", "--backend", "cpu", "--input", "test-data/images");
        assertEquals(1, flat.exit());
        assertTrue(flat.err().startsWith("mcdrop: --input test-data/images: no labels found"), flat.err());

        Path named = dir.resolve("named");
        writePng(named.resolve("cat/a.png"));
        CliTest.Run cat = run("eval", "-T", "2", "--backend", "cpu", "--input", named.toString());
        assertEquals(1, cat.exit());
        assertTrue(cat.err().contains("subdirectory 'cat' is not a class index"), cat.err());

        Path twelve = dir.resolve("twelve");
        writePng(twelve.resolve("12/a.png"));
        CliTest.Run big = run("eval", "-T", "2", "--backend", "cpu", "--input", twelve.toString());
        assertEquals(1, big.exit());
        assertTrue(big.err().contains("image 0 has label 12, but network 'lenet-all' has 10 classes (0-9)"), big.err());

        CliTest.Run labelsForPictures = run("eval", "--backend", "cpu", "--input", twelve.toString(), "--labels", MNIST);
        assertEquals(1, labelsForPictures.exit());
        assertTrue(labelsForPictures.err().contains("--labels: only for IDX image files"), labelsForPictures.err());

        Path noImages = dir.resolve("empty-idx3-ubyte");
        Idx.write(noImages, dir.resolve("empty-labels-idx1-ubyte"), idx(MNIST).slice(0, 0), false);
        CliTest.Run empty = run("eval", "--backend", "cpu", "--input", noImages.toString());
        assertEquals(1, empty.exit());
        assertTrue(empty.err().contains("no images"), empty.err());
        for (CliTest.Run r : List.of(flat, cat, big, labelsForPictures, empty)) assertEquals(1, r.err().lines().count(), r.err());
    }

    private static LabeledImages idx(String images) throws Exception {
        return Idx.read(Path.of(images), Inputs.siblingLabels(Path.of(images)));
    }

    private static void writePng(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", file.toFile());
    }
}
