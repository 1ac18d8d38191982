package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 2: an output that is the same file as an input (or as another output) is refused
 * before anything is written, with exit 2 and a message naming both options; the input is left
 * byte for byte as it was. Same file means the same file on disk: by path, through a link, or an
 * input a directory or an IDX file brings along (a picture in an --input folder, the labels found
 * beside the images).
 */
class OutputsNeverInputsTest {
    @TempDir Path dir;

    private record Case(String what, String outOption, String inOption, Path input, String... args) {}

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws Exception {
        Path png = Files.copy(Path.of("test-data/images/digit-7.png"), dir.resolve("digit.png"));
        Path pictures = Files.createDirectories(dir.resolve("pictures"));
        Path inFolder = Files.copy(Path.of("test-data/images/digit-2-inverted.png"), pictures.resolve("two.png"));
        Path model = Files.copy(Path.of("models/lenet-ip.safetensors"), dir.resolve("model.safetensors"));
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), model);
        Path checkpoint = Files.copy(model, dir.resolve("m.iter2.safetensors"));
        Path idx = Files.createDirectories(dir.resolve("idx"));
        LabeledImages slice = Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz")).slice(0, 64);
        Path images = idx.resolve("train-images-idx3-ubyte"), labels = idx.resolve("train-labels-idx1-ubyte");
        Idx.write(images, labels, slice, false);
        String cpu = "--backend=cpu";

        List<Case> cases = List.of(
                new Case("--out is the --input picture", "--out", "--input", png,
                        "predict", cpu, "-T", "2", "--input", png.toString(), "--out", png.toString()),
                new Case("--samples-out is the --model file", "--samples-out", "--model", model,
                        "predict", cpu, "-T", "2", "--model", model.toString(), "--samples-out", model.toString()),
                new Case("--out is a link to the --model file", "--out", "--model", model,
                        "predict", cpu, "-T", "2", "--model", model.toString(), "--out", link.toString()),
                new Case("--out is a picture of the --input folder", "--out", "--input", inFolder,
                        "predict", cpu, "-T", "2", "--input", pictures.toString(), "--out", inFolder.toString()),
                new Case("--out is the label file found beside the --input images", "--out", "--input", labels,
                        "predict", cpu, "-T", "2", "--input", images.toString(), "--out", labels.toString()),
                new Case("--out and --samples-out are one file", "--samples-out", "--out", null,
                        "predict", cpu, "-T", "2", "--out", dir.resolve("same").toString(), "--samples-out", dir.resolve("same").toString()),
                new Case("--model-card is the --labels file", "--model-card", "--labels", labels,
                        "eval", cpu, "-T", "2", "--input", images.toString(), "--labels", labels.toString(), "--model-card", labels.toString()),
                new Case("--model-card is the --model file", "--model-card", "--model", model,
                        "eval", cpu, "-T", "2", "--input", images.toString(), "--model", model.toString(), "--model-card", model.toString()),
                new Case("train --out is the --init file", "--out", "--init", model,
                        "train", "--arch", "lenet-ip", "--iterations", "1", "--batch", "8", "--threads", "1", "--data", idx.toString(),
                        "--init", model.toString(), "--out", model.toString()),
                new Case("a train checkpoint is the --init file", "--checkpoint-every", "--init", checkpoint,
                        "train", "--arch", "lenet-ip", "--iterations", "4", "--batch", "8", "--threads", "1", "--data", idx.toString(),
                        "--init", checkpoint.toString(), "--checkpoint-every", "2", "--out", dir.resolve("m.safetensors").toString()),
                new Case("train --out is the training images", "--out", "--data", images,
                        "train", "--arch", "lenet-ip", "--iterations", "1", "--batch", "8", "--threads", "1", "--data", idx.toString(),
                        "--out", images.toString()));

        Map<Path, byte[]> before = new LinkedHashMap<>();
        for (Path p : List.of(png, inFolder, model, checkpoint, images, labels)) before.put(p, Files.readAllBytes(p));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            CliTest.Run r = CliTest.run(c.args());
            String err = r.err().strip();
            if (r.exit() != 2 || !err.contains(c.outOption()) || !err.contains(c.inOption()) || !err.contains("same file")) {
                wrong.add(c.what() + ": exit " + r.exit() + ", stderr: " + firstLine(err));
            }
            for (var e : before.entrySet()) {
                if (!java.util.Arrays.equals(e.getValue(), Files.readAllBytes(e.getKey()))) {
                    wrong.add(c.what() + ": overwrote " + dir.relativize(e.getKey()));
                    Files.write(e.getKey(), e.getValue());
                }
            }
            if (!Files.isSymbolicLink(link)) {
                wrong.add(c.what() + ": replaced the link " + dir.relativize(link));
                Files.delete(link);
                Files.createSymbolicLink(link, model);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        for (var e : before.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey().toString());
    }

    @Test
    void distinctFilesBesideTheInputsAreFine() throws IOException {
        Path pictures = Files.createDirectories(dir.resolve("pictures"));
        Files.copy(Path.of("test-data/images/digit-7.png"), pictures.resolve("seven.png"));
        Path out = pictures.resolve("predictions.jsonl");
        for (int run = 0; run < 2; run++) { // the second run replaces its own earlier output, which is no input
            CliTest.Run r = CliTest.run("predict", "--backend=cpu", "-T", "2", "--input", pictures.toString(), "--out", out.toString());
            assertTrue(r.exit() == 0 && Files.readAllLines(out).size() == 1, r.err());
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
