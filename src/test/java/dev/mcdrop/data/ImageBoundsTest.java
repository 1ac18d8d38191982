package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 class 8: a picture's cost is bounded before it is decoded: a side beyond the limit is
 * refused from the header (a 130 KB PNG of 1 × 67,108,864 pixels), so is a progressive JPEG with
 * too many scans (each scan is one more decoding pass over the whole picture); every error names
 * the file.
 */
class ImageBoundsTest {
    @TempDir Path dir;

    /** A gray PNG of width × height black pixels, compressed as it is written: never held raw in memory. */
    private Path blackPng(String name, int width, long height) throws IOException {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] rows = new byte[(width + 1) * Math.max(1, (1 << 20) / (width + 1))]; // filter byte 0 + zero pixels
        byte[] buf = new byte[1 << 16];
        long left = (width + 1L) * height;
        while (left > 0) {
            int n = (int) Math.min(rows.length, left);
            deflater.setInput(rows, 0, n);
            left -= n;
            if (left == 0) deflater.finish();
            while (!deflater.needsInput() || (left == 0 && !deflater.finished())) {
                int got = deflater.deflate(buf);
                idat.write(buf, 0, got);
                if (got == 0 && deflater.needsInput()) break;
            }
        }
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt((int) height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return Files.write(dir.resolve(name), png.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    @Timeout(120)
    void aOnePixelWideTallPngIsRefusedFromItsHeaderNamingTheFile() throws IOException {
        Path tall = blackPng("tall.png", 1, 1L << 26);
        assertTrue(Files.size(tall) < 1 << 20, Files.size(tall) + " bytes");
        for (ImageFiles.Options o : List.of(new ImageFiles.Options(3, 32, 32, false), new ImageFiles.Options(28, 28, true))) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(tall), o));
            assertTrue(e.getMessage().contains("tall.png") && e.getMessage().contains("1 x 67108864"), e.getMessage());
        }
    }

    /** A small progressive JPEG whose last scan is repeated {@code repeats} more times (libjpeg decodes it, warning). */
    private Path progressiveJpeg(String name, int repeats) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        byte[] b = bytes.toByteArray();
        int lastScan = -1;
        for (int i = 0; i + 1 < b.length; i++) if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA) lastScan = i;
        int eoi = b.length - 2;
        byte[] scan = Arrays.copyOfRange(b, lastScan, eoi);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, eoi);
        for (int k = 0; k < repeats; k++) out.writeBytes(scan);
        out.write(b, eoi, 2);
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    @Test
    @Timeout(120)
    void aProgressiveJpegWithHundredsOfScansIsRefusedBeforeDecoding() throws IOException {
        Path normal = progressiveJpeg("normal.jpg", 0);
        assertEquals(10, JpegScans.count(normal, 1000)); // the writer's own progressive script
        ImageFiles.load(List.of(normal)); // decodes as before
        Path many = progressiveJpeg("many.jpg", 300);
        assertEquals(310, JpegScans.count(many, 1000));
        assertEquals(ImageFiles.MAX_JPEG_SCANS + 1, JpegScans.count(many, ImageFiles.MAX_JPEG_SCANS)); // stops counting
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(many)));
        assertTrue(e.getMessage().contains("many.jpg") && e.getMessage().contains("more than 64 scans"), e.getMessage());
    }

    /** Streaming the resize row by row gives the exact area mean, computed here directly in 2-D. */
    /**
     * A 115-byte GIF found by the ImageFiles fuzz harness claims a canvas that took 10-15 s to
     * decode; refused from its header because no honest file holds that many pixels per byte. A
     * large picture that compresses well (an all-white 3000 x 3000 PNG) is still decoded.
     */
    @Test
    void aTinyFileClaimingAHugeCanvasIsRefusedAndACompressibleBigPictureIsNot() throws IOException {
        Path bomb = dir.resolve("bomb.gif");
        Files.write(bomb, java.util.Base64.getDecoder().decode(
                "R0lGODlhBgAsLCwsLCwsLCws7AMsLGEGAC8sLCwsLCwsLDMAAGYACJkAAMwAAP8AMwAAMzMAM2YAM5kAM8wAiVAzTkcsAgD3AAAAAAAAADMAAGYACJkAAMwAAP8AMwAAMzMAM2YAM5kAM8wAiVAzTkcN/w=="));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFiles.load(List.of(bomb)));
        assertTrue(e.getMessage().contains("bomb.gif") && e.getMessage().contains("pixels per byte"), e.getMessage());

        Path white = dir.resolve("white.png");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(3000, 3000, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.util.Arrays.fill(((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData(), (byte) 255);
        javax.imageio.ImageIO.write(image, "png", white.toFile());
        assertTrue(3000L * 3000 > ImageFiles.ALWAYS_DECODED_PIXELS
                && 3000L * 3000 / Files.size(white) > 100, Files.size(white) + " bytes"); // a real test of the ratio rule
        assertEquals(1, ImageFiles.load(List.of(white)).count()); // decoded, not refused
    }

    @Test
    void streamingResizeIsTheExactAreaMean() {
        java.util.Random random = new java.util.Random(8);
        int[][] sizes = {{1, 1, 28, 28}, {3, 200, 28, 28}, {200, 3, 32, 32}, {57, 31, 28, 28}, {28, 28, 28, 28}, {5, 7, 11, 13}};
        for (int[] z : sizes) {
            int sh = z[0], sw = z[1], th = z[2], tw = z[3];
            byte[] src = new byte[sh * sw];
            random.nextBytes(src);
            byte[] got = ImageFiles.resizeArea(src, sh, sw, th, tw);
            for (int j = 0; j < th; j++) {
                for (int x = 0; x < tw; x++) {
                    long sum = 0;
                    for (int i = 0; i < sh; i++) {
                        long wy = Math.max(0, Math.min((long) (i + 1) * th, (long) (j + 1) * sh) - Math.max((long) i * th, (long) j * sh));
                        for (int k = 0; k < sw && wy > 0; k++) {
                            long wx = Math.max(0, Math.min((long) (k + 1) * tw, (long) (x + 1) * sw) - Math.max((long) k * tw, (long) x * sw));
                            sum += wy * wx * (src[i * sw + k] & 0xFF);
                        }
                    }
                    long d = (long) sh * sw;
                    assertEquals((sum + d / 2) / d, got[j * tw + x] & 0xFF, sh + "x" + sw + " -> " + th + "x" + tw + " at " + j + "," + x);
                }
            }
        }
    }
}
