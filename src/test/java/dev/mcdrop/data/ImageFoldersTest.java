package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class folders 0/ 1/ … of pictures: which directories count, label and order, pixels, refusals. */
class ImageFoldersTest {
    @TempDir Path dir;

    /** A 28×28 gray PNG, all pixels {@code value} except a bright border-free centre marking it. */
    private static void png(Path file, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.getRaster().setSample(x, y, 0, 0);
        img.getRaster().setSample(14, 14, 0, value);
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void labelsComeFromFolderNamesInNumericOrder() throws IOException {
        png(dir.resolve("10/a.png"), 100);
        png(dir.resolve("2/b.png"), 21);
        png(dir.resolve("2/a.png"), 20);
        png(dir.resolve("0/z.jpg.png"), 1);
        Files.writeString(dir.resolve("2/notes.txt"), "not a picture");
        png(dir.resolve(".hidden/x.png"), 7);
        Files.createDirectories(dir.resolve("5")); // an empty class is allowed
        assertTrue(ImageFolders.isClassFolderLayout(dir));
        LabeledImages set = ImageFolders.load(dir, ImageFiles.Options.MNIST);
        assertEquals(4, set.count());
        assertArrayEquals(new int[]{0, 2, 2, 10}, set.labels(), "by class index (10 after 2), then by file name");
        assertArrayEquals(new int[]{1, 20, 21, 100}, new int[]{set.pixel(0, 0, 14, 14), set.pixel(1, 0, 14, 14),
                set.pixel(2, 0, 14, 14), set.pixel(3, 0, 14, 14)}, "pixels as stored, in that order");
        assertEquals(List.of("0/z.jpg.png", "2/a.png", "2/b.png", "10/a.png"), set.fileNames());
    }

    @Test
    void aDirectoryWithPicturesInItIsFlatAsBefore() throws IOException {
        png(dir.resolve("top.png"), 5);
        png(dir.resolve("3/inner.png"), 6);
        assertFalse(ImageFolders.isClassFolderLayout(dir));
        assertFalse(ImageFolders.isClassFolderLayout(dir.resolve("3")), "pictures directly inside: flat");
        assertFalse(ImageFolders.isClassFolderLayout(dir.resolve("3/inner.png")), "a file is no layout");
        assertFalse(ImageFiles.loadDirectory(dir).hasLabels());
    }

    @Test
    void refusesWhatItCannotLabel() throws IOException {
        png(dir.resolve("cat/a.png"), 5);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolders.load(dir, ImageFiles.Options.MNIST));
        assertTrue(e.getMessage().contains("'cat'") && e.getMessage().contains(dir.toString()), e.getMessage());

        Path padded = dir.resolve("padded");
        png(padded.resolve("07/a.png"), 5);
        assertThrows(DataFormatException.class, () -> ImageFolders.list(padded), "07 and 7 would be one class: refused");
        Path big = dir.resolve("big");
        png(big.resolve("256/a.png"), 5);
        assertThrows(DataFormatException.class, () -> ImageFolders.list(big), "labels are bytes");

        Path empty = dir.resolve("empty");
        Files.createDirectories(empty.resolve("0"));
        Files.createDirectories(empty.resolve("1"));
        NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> ImageFolders.list(empty));
        assertTrue(none.getMessage().contains("class folders hold no"), none.getMessage());
    }
}
