package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.data.ImageFiles;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 class 3: a picture directory is listed once and each image carries its file's name, so
 * files added or removed while a run goes on can neither shift names onto the wrong images nor
 * make the names and images disagree in number (which lost every prediction).
 */
class PictureNamesTest {
    @TempDir Path dir;

    private void png(String name, int value) throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.getRaster().setSample(x, y, 0, value);
        ImageIO.write(img, "png", dir.resolve(name).toFile());
    }

    @Test
    void namesStayWithTheirImagesWhenTheDirectoryChangesDuringTheRun() throws IOException {
        Map<String, Integer> value = Map.of("a.png", 10, "b.png", 60, "c.png", 110, "0.png", 120);
        for (String n : List.of("a.png", "b.png", "c.png")) png(n, value.get(n));
        LabeledImages images = Inputs.load(dir, null, new Shape(1, 28, 28));
        // the directory changes while the images are being predicted
        Files.delete(dir.resolve("a.png"));
        png("0.png", value.get("0.png"));
        List<String> names = images.fileNames();
        assertEquals(images.count(), names.size());
        for (int i = 0; i < images.count(); i++) {
            assertEquals((int) value.get(names.get(i)), images.pixel(i, 0, 14, 14), "image " + i + " is named " + names.get(i));
        }
        assertEquals(List.of("a.png", "b.png", "c.png"), names);
        assertEquals(List.of("b.png", "c.png"), images.slice(1, 2).fileNames());
        assertEquals(List.of("c.png", "a.png"), images.subset(new int[] {2, 0}).fileNames());
    }

    @Test
    void aFileRemovedBetweenListingAndReadingIsNamedInTheError() throws IOException {
        png("a.png", 10);
        png("b.png", 60);
        List<Path> listed = ImageFiles.list(dir);
        Files.delete(dir.resolve("b.png"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> ImageFiles.load(listed, new ImageFiles.Options(28, 28, false)));
        assertTrue(Errors.describe(e).contains("b.png"), Errors.describe(e));
    }
}
