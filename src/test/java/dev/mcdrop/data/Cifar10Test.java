package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary reader on small files written here (the real data set is not on the machine). */
class Cifar10Test {
    @TempDir Path dir;

    /** Record r: label labels[r]; red pixel i = (r·7 + i) % 256, green = 100 + r, blue = 200 + r. */
    private static byte[] records(int... labels) {
        byte[] out = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            int at = r * 3073;
            out[at] = (byte) labels[r];
            for (int i = 0; i < 1024; i++) {
                out[at + 1 + i] = (byte) ((r * 7 + i) % 256);
                out[at + 1 + 1024 + i] = (byte) (100 + r);
                out[at + 1 + 2048 + i] = (byte) (200 + r);
            }
        }
        return out;
    }

    @Test
    void readsLabelsAndPutsRedInChannelZero() throws IOException {
        Path file = Files.write(dir.resolve("data_batch_1.bin"), records(6, 9, 0));
        LabeledImages set = Cifar10.read(List.of(file));
        assertEquals(3, set.count());
        assertEquals(3, set.channels());
        assertEquals(32, set.height());
        assertEquals(32, set.width());
        assertArrayEquals(new int[] {6, 9, 0}, set.labels());
        assertEquals("frog", Cifar10.CLASS_NAMES.get(set.label(0)));

        float[] cnhw = new float[3 * 3 * 1024];
        set.copyCnhw(0, 3, 1f, cnhw, 0);
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < 1024; i++) {
                assertEquals((n * 7 + i) % 256, cnhw[(0 * 3 + n) * 1024 + i], "red of image " + n + " pixel " + i);
                assertEquals(100 + n, cnhw[(1 * 3 + n) * 1024 + i], "green");
                assertEquals(200 + n, cnhw[(2 * 3 + n) * 1024 + i], "blue");
            }
        }
        // Row-major plane: pixel (y=1, x=2) of the red plane of image 0 is byte 34.
        assertEquals(34, set.pixel(0, 0, 1, 2));
    }

    @Test
    void concatenatesFilesInOrder() throws IOException {
        Path a = Files.write(dir.resolve("a.bin"), records(1, 2));
        Path b = Files.write(dir.resolve("b.bin"), records(3));
        LabeledImages set = Cifar10.read(List.of(a, b));
        assertArrayEquals(new int[] {1, 2, 3}, set.labels());
        assertEquals(100, set.pixel(2, 1, 0, 0), "third image is record 0 of b.bin");
    }

    @Test
    void readDirectoryTestAndTrain() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(4, 5));
        assertArrayEquals(new int[] {4, 5}, Cifar10.readDirectory(dir, false).labels());
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(i));
        }
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, Cifar10.readDirectory(dir, true).labels());
    }

    @Test
    void missingFilesListedWithWhatIsExpected() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), records(1));
        Files.write(dir.resolve("data_batch_3.bin"), records(1));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Cifar10.readDirectory(dir, true));
        assertTrue(e.getMessage().contains("data_batch_1.bin, data_batch_2.bin, data_batch_3.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("data_batch_2.bin, data_batch_4.bin, data_batch_5.bin are missing"), e.getMessage());
        NoSuchFileException test = assertThrows(NoSuchFileException.class, () -> Cifar10.readDirectory(dir, false));
        assertTrue(test.getMessage().contains("test_batch.bin is missing"), test.getMessage());
    }

    @Test
    void lengthNotAMultipleOfTheRecord() throws IOException {
        byte[] content = records(1, 2);
        Path file = Files.write(dir.resolve("short.bin"), java.util.Arrays.copyOf(content, content.length - 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.read(List.of(file)));
        assertTrue(e.getMessage().contains("short.bin") && e.getMessage().contains("6145")
                && e.getMessage().contains("3073"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThrows(DataFormatException.class, () -> Cifar10.read(List.of(empty)));
    }

    @Test
    void labelOutOfRangeNamesFileAndRecord() throws IOException {
        Path file = Files.write(dir.resolve("bad.bin"), records(3, 12, 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.read(List.of(file)));
        assertTrue(e.getMessage().contains("bad.bin") && e.getMessage().contains("record 1")
                && e.getMessage().contains("label 12"), e.getMessage());
    }

    @Test
    void classNamesFromMetaFile() throws IOException {
        Path meta = Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", Cifar10.CLASS_NAMES) + "\n\n");
        assertEquals(Cifar10.CLASS_NAMES, Cifar10.readClassNames(meta));
        Path shortMeta = Files.writeString(dir.resolve("short.txt"), "airplane\n");
        assertThrows(DataFormatException.class, () -> Cifar10.readClassNames(shortMeta));
    }
}
