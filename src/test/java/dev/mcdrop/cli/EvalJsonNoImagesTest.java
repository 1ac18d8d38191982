package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 18 (second part): {@code eval --json} never prints what is not JSON. With no
 * images there is nothing to score: eval refuses with one line (exit 1) and prints nothing on
 * stdout, rather than an object of NaN. (Non-finite numbers in a report are written as null:
 * EvalOutput.)
 */
class EvalJsonNoImagesTest {
    @TempDir Path dir;

    @Test
    void noImagesIsOneLineAndNoJson() throws Exception {
        Path images = dir.resolve("empty-images-idx3-ubyte"), labels = dir.resolve("empty-labels-idx1-ubyte");
        Files.write(images, ByteBuffer.allocate(16).putInt(0x803).putInt(0).putInt(28).putInt(28).array());
        Files.write(labels, ByteBuffer.allocate(8).putInt(0x801).putInt(0).array());
        CliTest.Run r = CliTest.run("eval", "--json", "--backend", "cpu", "--input", images.toString(), "--labels", labels.toString());
        assertOneLine(r, 1, "--input " + images, "no images");
        assertEquals("", r.out(), "nothing on stdout");
    }
}
