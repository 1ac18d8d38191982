package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Pairs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy layout NpySamples writes: NumPy format 1.0, float32 (T, N, K), data 64-byte aligned. */
class NpySamplesTest {
    @TempDir Path tmp;

    /** probs[k·columns + n] = code(t, i, k) of the column's pair. */
    private static float[] chunk(Pairs pairs, int columns, int classes) {
        float[] probs = new float[classes * columns];
        for (int n = 0; n < columns; n++)
            for (int k = 0; k < classes; k++) probs[k * columns + n] = code(pairs.sampleOf(n), pairs.imageOf(n), k);
        return probs;
    }

    private static float code(long t, long i, int k) { return t * 100 + i * 10 + k; }

    @Test
    void writesNumpyFormatWithEveryValueInPlace() throws IOException {
        Path file = tmp.resolve("s.npy");
        int samples = 3, images = 5, classes = 4;
        try (NpySamples sink = NpySamples.create(file, samples, images, classes)) {
            // batch 1: images 0..2; chunks of 4 and 5 columns (pairs 0..8), cutting across samples
            Pairs first = new Pairs(0, 3, 0), second = new Pairs(4, 3, 0);
            sink.accept(first, 4, classes, chunk(first, 4, classes));
            sink.accept(second, 5, classes, chunk(second, 5, classes));
            // batch 2: images 3..4, all 6 pairs in one chunk
            Pairs third = new Pairs(0, 2, 3);
            sink.accept(third, 6, classes, chunk(third, 6, classes));
            sink.commit();
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0x93, b.get(0));
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLength = b.getShort(8) & 0xFFFF, dataStart = 10 + headerLength;
        assertEquals(0, dataStart % 64, "data aligned to 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5, 4), }"), header);
        assertTrue(header.endsWith("\n"), header);
        assertEquals(dataStart + 4L * samples * images * classes, bytes.length);
        for (int t = 0; t < samples; t++)
            for (int i = 0; i < images; i++)
                for (int k = 0; k < classes; k++)
                    assertEquals(code(t, i, k), b.getFloat(dataStart + 4 * ((t * images + i) * classes + k)), "t " + t + " i " + i + " k " + k);
    }

    @Test
    void anIncompleteOrMisshapenRunIsAnErrorNamingTheFileAndLeavesTheOldFile() throws IOException {
        Path file = tmp.resolve("partial.npy");
        java.nio.file.Files.writeString(file, "an earlier run's samples");
        NpySamples sink = NpySamples.create(file, 2, 2, 3);
        Pairs p = new Pairs(0, 2, 0);
        var wrongClasses = assertThrows(IllegalArgumentException.class, () -> sink.accept(p, 2, 4, new float[8]));
        assertTrue(wrongClasses.getMessage().contains(file.toString()), wrongClasses.getMessage());
        var outside = assertThrows(IllegalArgumentException.class, () -> sink.accept(new Pairs(0, 2, 1), 2, 3, new float[6]));
        assertTrue(outside.getMessage().contains("outside the file's shape (2, 2, 3)"), outside.getMessage());
        sink.accept(p, 2, 3, chunk(p, 2, 3));
        var incomplete = assertThrows(IOException.class, sink::commit);
        assertTrue(incomplete.getMessage().contains("only 2 of 4"), incomplete.getMessage());
        assertEquals("an earlier run's samples", java.nio.file.Files.readString(file), "a failed run leaves the old file");
        try (var listing = java.nio.file.Files.list(tmp)) {
            assertEquals(1, listing.count(), "no temporary file left");
        }
    }
}
