package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX write → read round trips, raw and gzip, and gzip detection by content rather than name. */
class IdxTest {
    @TempDir Path dir;

    private static LabeledImages random(int n, int h, int w, long seed) {
        Random rnd = new Random(seed);
        byte[] pixels = new byte[n * h * w];
        rnd.nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) rnd.nextInt(10);
        return new LabeledImages("random", 1, h, w, pixels, labels);
    }

    private static void assertSame(LabeledImages expected, LabeledImages actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.width(), actual.width());
        assertEquals(1, actual.channels());
        for (int i = 0; i < expected.count(); i++) {
            assertArrayEquals(expected.imageBytes(i), actual.imageBytes(i), "image " + i);
            if (expected.hasLabels() && actual.hasLabels()) assertEquals(expected.label(i), actual.label(i), "label " + i);
        }
    }

    @Test
    void roundTripRaw() throws IOException {
        LabeledImages set = random(17, 28, 28, 1);
        Path img = dir.resolve("img-idx3-ubyte"), lab = dir.resolve("lab-idx1-ubyte");
        Idx.write(img, lab, set, false);
        assertEquals(16 + 17 * 784, Files.size(img));
        assertEquals(8 + 17, Files.size(lab));
        assertSame(set, Idx.read(img, lab));
    }

    @Test
    void roundTripGzipDetectedByMagicNotName() throws IOException {
        LabeledImages set = random(9, 5, 7, 2);
        Path img = dir.resolve("images.bin"), lab = dir.resolve("labels.bin");   // no .gz in the name
        Idx.write(img, lab, set, true);
        byte[] head = Files.readAllBytes(img);
        assertEquals(0x1f, head[0] & 0xFF);
        assertEquals(0x8b, head[1] & 0xFF);
        assertSame(set, Idx.read(img, lab));
    }

    @Test
    void writesOnlyTheViewOfASlice() throws IOException {
        LabeledImages set = random(10, 4, 4, 3);
        LabeledImages slice = set.slice(3, 4);
        Path img = dir.resolve("i.gz"), lab = dir.resolve("l.gz");
        Idx.write(img, lab, slice, true);
        assertSame(slice, Idx.read(img, lab));
    }

    @Test
    void readImagesAloneHasNoLabels() throws IOException {
        LabeledImages set = random(3, 2, 2, 4);
        Path img = dir.resolve("i");
        Idx.write(img, null, set, false);
        LabeledImages read = Idx.readImages(img);
        assertFalse(read.hasLabels());
        assertSame(set.subset(new int[] {0, 1, 2}), read);
    }

    @Test
    void readLabelsAndClassCountOverload() throws IOException {
        LabeledImages set = new LabeledImages("s", 1, 1, 1, new byte[] {1, 2, 3}, new byte[] {0, 15, (byte) 200});
        Path img = dir.resolve("i"), lab = dir.resolve("l");
        Idx.write(img, lab, set, false);
        assertArrayEquals(new byte[] {0, 15, (byte) 200}, Idx.readLabels(lab));
        assertEquals(200, Idx.read(img, lab, 256).label(2));
    }

    @Test
    void emptySetRoundTrips() throws IOException {
        LabeledImages empty = new LabeledImages("e", 1, 28, 28, new byte[0], new byte[0]);
        Path img = dir.resolve("i.gz"), lab = dir.resolve("l.gz");
        Idx.write(img, lab, empty, true);
        LabeledImages read = Idx.read(img, lab);
        assertEquals(0, read.count());
        assertEquals(28, read.height());
    }
}
