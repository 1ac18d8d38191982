package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.data.DataFormatException;
import dev.mcdrop.model.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 class 13: an IDX file's header is checked against the network before its body is
 * inflated. The file declares one 16384×16384 image, but its gzip stream stops after 300 KB of
 * pixels: a reader that inflates the body first fails on the broken stream (or, were it whole,
 * would inflate 268 MB); one that checks the header first refuses the shape and never gets there.
 */
class IdxHeaderFirstTest {
    @TempDir Path dir;

    @Test
    @Timeout(60)
    void aHugeDeclaredImageIsRefusedFromTheHeaderNamingBothShapes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(ByteBuffer.allocate(16).putInt(0x00000803).putInt(1).putInt(16384).putInt(16384).array());
            byte[] noise = new byte[300_000]; // incompressible: the file is big enough (> 260 KB) to pass the deflate-ratio bound
            new java.util.Random(13).nextBytes(noise);
            gz.write(noise);
        }
        byte[] whole = bytes.toByteArray();
        Path idx = Files.write(dir.resolve("huge-idx3-ubyte.gz"), java.util.Arrays.copyOf(whole, whole.length - 8));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Inputs.load(idx, null, new Shape(1, 28, 28)));
        String m = e.getMessage();
        assertTrue(m.contains("huge-idx3-ubyte.gz") && m.contains("16384x16384") && m.contains("28x28"), m);
    }
}
