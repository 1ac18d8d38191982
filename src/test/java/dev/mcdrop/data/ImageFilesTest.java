package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picture files → MNIST-like 28×28 gray inputs: decoding, luma, area resize, inversion, errors. */
class ImageFilesTest {
    @TempDir Path dir;

    private static final ImageFiles.Options NO_INVERT_28 = new ImageFiles.Options(28, 28, false);

    /** 56×56 gray image whose 2×2 block (by, bx) holds values a, b / c, d with a mean of exactly blockValue. */
    private static BufferedImage blocks56() {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int by = 0; by < 28; by++) {
            for (int bx = 0; bx < 28; bx++) {
                int m = blockValue(by, bx);
                // 2x2 pattern m-6, m+6 / m+2, m-2: mean m, but no single pixel equals it.
                img.getRaster().setSample(2 * bx, 2 * by, 0, m - 6);
                img.getRaster().setSample(2 * bx + 1, 2 * by, 0, m + 6);
                img.getRaster().setSample(2 * bx, 2 * by + 1, 0, m + 2);
                img.getRaster().setSample(2 * bx + 1, 2 * by + 1, 0, m - 2);
            }
        }
        return img;
    }

    private static int blockValue(int by, int bx) {
        return 10 + (by * 28 + bx) % 230;
    }

    private Path png(String name, BufferedImage img) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        return file;
    }

    @Test
    void pngDownscale56To28AveragesEachBlock() throws IOException {
        LabeledImages set = ImageFiles.load(List.of(png("blocks.png", blocks56())), NO_INVERT_28);
        assertEquals(1, set.count());
        assertEquals(1, set.channels());
        assertEquals(28, set.height());
        assertEquals(28, set.width());
        assertFalse(set.hasLabels());
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                assertEquals(blockValue(y, x), set.pixel(0, 0, y, x), "pixel " + y + "," + x);
    }

    @Test
    void areaAveragingWithFractionalCoverage() {
        // 3 → 2: output 0 = (0·1 + 90·½)/1.5 = 30, output 1 = (90·½ + 180·1)/1.5 = 150.
        byte[] out = ImageFiles.resizeArea(new byte[] {0, 90, (byte) 180}, 1, 3, 1, 2);
        assertArrayEquals(new byte[] {30, (byte) 150}, out);
        // Means round half up: (0 + 1)/2 → 1, (10 + 13)/2 = 11.5 → 12, (10 + 12)/2 → 11.
        assertArrayEquals(new byte[] {1, 12, 11}, ImageFiles.resizeArea(new byte[] {0, 1, 10, 13, 10, 12}, 1, 6, 1, 3));
        // Upscale 1 → 3 repeats; identity keeps every byte.
        assertArrayEquals(new byte[] {7, 7, 7}, ImageFiles.resizeArea(new byte[] {7}, 1, 1, 1, 3));
        byte[] id = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(id, ImageFiles.resizeArea(id, 2, 3, 2, 3));
    }

    @Test
    void lightBackgroundIsInvertedDarkIsNot() throws IOException {
        BufferedImage light = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                light.getRaster().setSample(x, y, 0, (x >= 10 && x < 18) ? 20 : 240);
        Path file = png("light.png", light);
        LabeledImages inverted = ImageFiles.load(List.of(file));
        assertEquals(255 - 240, inverted.pixel(0, 0, 5, 2));
        assertEquals(255 - 20, inverted.pixel(0, 0, 5, 12));
        LabeledImages kept = ImageFiles.load(List.of(file), NO_INVERT_28);
        assertEquals(240, kept.pixel(0, 0, 5, 2));

        BufferedImage dark = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        dark.getRaster().setSample(14, 14, 0, 250);
        LabeledImages notInverted = ImageFiles.load(List.of(png("dark.png", dark)));
        assertEquals(250, notInverted.pixel(0, 0, 14, 14));
        assertEquals(0, notInverted.pixel(0, 0, 0, 0));
    }

    @Test
    void colorPngUsesBt601Luma() throws IOException {
        BufferedImage rgb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0x00FF00);
        rgb.setRGB(2, 0, 0x0000FF);
        LabeledImages set = ImageFiles.load(List.of(png("rgb.png", rgb)), new ImageFiles.Options(1, 3, false));
        assertEquals(Math.round(0.299 * 255), set.pixel(0, 0, 0, 0));
        assertEquals(Math.round(0.587 * 255), set.pixel(0, 0, 0, 1));
        assertEquals(Math.round(0.114 * 255), set.pixel(0, 0, 0, 2));
    }

    @Test
    void threeChannelsKeepRgbPlanesResizedAndNeverInverted() throws IOException {
        // 4×4: four 2×2 blocks red, green, blue, white; to 2×2 RGB each block becomes one pixel
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        int[] colors = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0x00000000}; // the last is transparent: white
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) img.setRGB(x, y, colors[(y / 2) * 2 + x / 2]);
        LabeledImages set = ImageFiles.load(List.of(png("rgb.png", img)), new ImageFiles.Options(3, 2, 2, true));
        assertEquals(3, set.channels());
        int[][] expected = {{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}}; // [channel][pixel]
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 4; i++) assertEquals(expected[c][i], set.pixel(0, c, i / 2, i % 2), "channel " + c + " pixel " + i);
        var bad = assertThrows(IllegalArgumentException.class, () -> new ImageFiles.Options(2, 28, 28, false));
        assertTrue(bad.getMessage().contains("2-channel"), bad.getMessage());
    }

    @Test
    void transparentPixelsAreCompositedOverWhite() throws IOException {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000);   // fully transparent black
        argb.setRGB(1, 0, 0xFF000000);   // opaque black
        LabeledImages set = ImageFiles.load(List.of(png("alpha.png", argb)), new ImageFiles.Options(1, 2, false));
        assertEquals(255, set.pixel(0, 0, 0, 0));
        assertEquals(0, set.pixel(0, 0, 0, 1));
    }

    @Test
    void jpegOnLightBackgroundIsResizedAndInverted() throws IOException {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 56; y++)
            for (int x = 0; x < 56; x++)
                img.setRGB(x, y, (x >= 20 && x < 36) ? 0x000000 : 0xFFFFFF);   // black vertical bar on white
        Path file = dir.resolve("bar.jpg");
        assertTrue(ImageIO.write(img, "jpeg", file.toFile()));
        LabeledImages set = ImageFiles.load(List.of(file));
        assertEquals(28, set.height());
        assertEquals(28, set.width());
        // JPEG is lossy: allow a small error. Background becomes ~0, the bar ~255.
        assertTrue(set.pixel(0, 0, 14, 2) < 12, "background " + set.pixel(0, 0, 14, 2));
        assertTrue(set.pixel(0, 0, 14, 14) > 243, "bar " + set.pixel(0, 0, 14, 14));
    }

    @Test
    void directoryListsImagesSortedAndSkipsOthers() throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        png("b.png", img);
        png("a.PNG", img);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        assertTrue(ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "jpeg", dir.resolve("c.jpeg").toFile()));
        List<Path> files = ImageFiles.list(dir);
        assertEquals(List.of(dir.resolve("a.PNG"), dir.resolve("b.png"), dir.resolve("c.jpeg")), files);
        assertEquals(3, ImageFiles.loadDirectory(dir).count());
    }

    @Test
    void aHugeCanvasIsRefusedFromItsHeaderBeforeDecoding() throws IOException {
        // a PNG whose header claims 30000 × 30000 gray pixels (a decompression bomb needs no more than that)
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(30000).putInt(30000).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", new byte[0]);
        chunk(png, "IEND", new byte[0]);
        Path bomb = Files.write(dir.resolve("bomb.png"), png.toByteArray());
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(bomb)));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("30000 x 30000"), e.getMessage());
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void unreadableFilesAreNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("fake.png"), "this is not a PNG");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(text)));
        assertTrue(e.getMessage().contains("fake.png"), e.getMessage());

        byte[] good = Files.readAllBytes(png("good.png", blocks56()));
        Path truncated = Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        DataFormatException t = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(truncated)));
        assertTrue(t.getMessage().contains("truncated.png"), t.getMessage());

        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> ImageFiles.load(List.of(dir.resolve("missing.png"))));
        assertTrue(missing.getMessage().contains("missing.png"));
        Path emptyDir = Files.createDirectory(dir.resolve("empty"));
        assertThrows(NoSuchFileException.class, () -> ImageFiles.list(emptyDir));
    }
}
