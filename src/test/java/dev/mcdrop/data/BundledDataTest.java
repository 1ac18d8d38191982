package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slices committed under test-data/ load through DataPaths and hold what test-data/README.md
 * says; the two sample PNGs turn back into the exact MNIST test images they were made from.
 * Tests run from the project root (Maven's working directory).
 */
class BundledDataTest {
    private final DataPaths paths = new DataPaths(Path.of("data"), Path.of("test-data"));

    private static int[] histogram(LabeledImages set) {
        int[] h = new int[10];
        for (int label : set.labels()) h[label]++;
        return h;
    }

    @Test
    void mnistSlice() throws IOException {
        LabeledImages mnist = paths.mnistTestSlice();
        assertEquals(1000, mnist.count());
        assertEquals(1, mnist.channels());
        assertEquals(28, mnist.height());
        assertEquals(28, mnist.width());
        assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Arrays.copyOf(mnist.labels(), 5));
        assertArrayEquals(new int[] {85, 126, 116, 107, 110, 87, 87, 99, 89, 94}, histogram(mnist));
        // The 7: a blank top row, ink somewhere in the middle.
        int ink = 0;
        for (int i = 0; i < 784; i++) ink += mnist.imageBytes(0)[i] & 0xFF;
        assertEquals(0, mnist.pixel(0, 0, 0, 0));
        assertTrue(ink > 10_000, "image 0 has ink " + ink);
    }

    @Test
    void fashionMnistSlice() throws IOException {
        LabeledImages fashion = paths.fashionMnistTestSlice();
        assertEquals(200, fashion.count());
        assertEquals(28, fashion.height());
        assertEquals(28, fashion.width());
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(fashion.labels(), 5));
        assertArrayEquals(new int[] {20, 27, 27, 17, 21, 16, 16, 20, 18, 18}, histogram(fashion));
    }

    @Test
    void digit7PngIsMnistTestImage0() throws IOException {
        LabeledImages png = ImageFiles.load(List.of(paths.sampleImage("digit-7.png")));
        assertArrayEquals(paths.mnistTestSlice().imageBytes(0), png.imageBytes(0));
    }

    @Test
    void invertedDigit2PngIsMnistTestImage1AfterResizeAndInversion() throws IOException {
        Path file = paths.sampleImage("digit-2-inverted.png");
        LabeledImages raw = ImageFiles.load(List.of(file), new ImageFiles.Options(56, 56, false));
        assertEquals(255, raw.pixel(0, 0, 0, 0), "stored black on white");
        LabeledImages png = ImageFiles.load(List.of(file));
        assertEquals(28, png.height());
        assertArrayEquals(paths.mnistTestSlice().imageBytes(1), png.imageBytes(0));
    }

    @Test
    void slicesArePrefixesOfTheFullDataWhenPresent() throws IOException {
        DataPaths full = DataPaths.defaults();
        assumeTrue(Files.isDirectory(full.mnistDir()), "full MNIST not fetched");
        LabeledImages test = full.mnist(false);
        assertEquals(10_000, test.count());
        LabeledImages slice = paths.mnistTestSlice();
        for (int i = 0; i < slice.count(); i++) {
            assertArrayEquals(test.imageBytes(i), slice.imageBytes(i), "image " + i);
            assertEquals(test.label(i), slice.label(i));
        }
    }

    @Test
    void fullDataSetsLoadWhenPresent() throws IOException {
        DataPaths full = DataPaths.defaults();
        assumeTrue(Files.isDirectory(full.mnistDir()) && Files.isDirectory(full.fashionMnistDir()), "full data not fetched");
        assertEquals(60_000, full.mnist(true).count());
        LabeledImages fashionTest = full.fashionMnist(false);
        assertEquals(10_000, fashionTest.count());
        LabeledImages slice = paths.fashionMnistTestSlice();
        for (int i = 0; i < slice.count(); i++) {
            assertArrayEquals(fashionTest.imageBytes(i), slice.imageBytes(i), "Fashion-MNIST image " + i);
            assertEquals(fashionTest.label(i), slice.label(i));
        }
        assertEquals(60_000, full.fashionMnist(true).count());
    }

    @Test
    void missingFullDataNamesTheFetchScript(@TempDir Path empty) {
        DataPaths nowhere = new DataPaths(empty, empty);
        NoSuchFileException mnist = assertThrows(NoSuchFileException.class, () -> nowhere.mnist(true));
        assertTrue(mnist.getMessage().contains("scripts/fetch-mnist.sh")
                && mnist.getMessage().contains("train-images-idx3-ubyte"), mnist.getMessage());
        NoSuchFileException fashion = assertThrows(NoSuchFileException.class, () -> nowhere.fashionMnist(false));
        assertTrue(fashion.getMessage().contains("scripts/fetch-fashion-mnist.sh"), fashion.getMessage());
        NoSuchFileException cifar = assertThrows(NoSuchFileException.class, () -> nowhere.cifar10(false));
        assertTrue(cifar.getMessage().contains("cifar-10-binary.tar.gz"), cifar.getMessage());
        NoSuchFileException slice = assertThrows(NoSuchFileException.class, nowhere::mnistTestSlice);
        assertTrue(slice.getMessage().contains("make-test-data.sh"), slice.getMessage());
    }
}
