package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 16: a failure's reason reaches the user. Each case's last stderr line names the
 * option and the path and says what is wrong; outputs are checked before any work starts, so
 * {@code train --out missing/x} fails at once, naming --out, not a hidden temporary file after
 * training.
 */
class ReasonsKeptTest {
    @TempDir Path dir;

    private record Case(String what, String[] args, String... expected) {}

    @Test
    void everyMessageSaysWhatIsWrongWithWhichPath() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("dirs/empty"));
        Path notUtf8 = Files.write(dir.resolve("arch.json"), new byte[]{'{', '"', 'n', (byte) 0xFF, '"', ':', '1', '}'});
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path missing = dir.resolve("missing/x.safetensors");
        String slice = "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz";
        List<Case> cases = List.of(
                new Case("empty --input directory", new String[]{"predict", "--backend=cpu", "-T", "2", "--input", empty.toString()},
                        empty.toString(), "holds no .png/.jpg/.jpeg files"),
                new Case("--arch not UTF-8", new String[]{"info", "--arch", notUtf8.toString()},
                        "--arch", notUtf8.toString(), "not UTF-8 text"),
                new Case("--arch a directory", new String[]{"info", "--arch", empty.toString()},
                        "--arch", empty.toString(), "directory"),
                new Case("--labels a directory", new String[]{"predict", "--backend=cpu", "-T", "2", "--input", slice, "--labels", empty.toString()},
                        "--labels", empty.toString(), "directory"),
                new Case("experiment --out a file", new String[]{"experiment", "uncertainty", "--backend=cpu", "-T", "2", "--test-images", "10",
                        "--out", file.toString()}, "--out", file.toString(), "not a directory"),
                new Case("eval --model-card a directory", new String[]{"eval", "--backend=cpu", "-T", "2", "--input", slice,
                        "--model-card", empty.toString()}, "--model-card", empty.toString(), "is a directory"),
                new Case("train --out in a missing directory", new String[]{"train", "--iterations", "1", "--threads", "1", "--batch", "8",
                        "--out", missing.toString()}, "--out", missing.toString(), "does not exist"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            CliTest.Run r = CliTest.run(c.args());
            String err = r.err().strip();
            String last = err.substring(err.lastIndexOf('\n') + 1);
            boolean ok = r.exit() == 1 && last.startsWith("mcdrop: ") && !last.contains(".tmp") && !err.contains("mcdrop: training");
            for (String e : c.expected()) ok &= last.contains(e);
            if (!ok) wrong.add(c.what() + ": exit " + r.exit() + ", last line: " + last);
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
