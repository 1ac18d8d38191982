package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Broken IDX files must fail with a DataFormatException naming the file and the field, never silently. */
class IdxMalformedTest {
    @TempDir Path dir;

    private static byte[] header(int... ints) {
        ByteBuffer b = ByteBuffer.allocate(4 * ints.length);
        for (int v : ints) b.putInt(v);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path file(String name, byte[] content, boolean gzip) throws IOException {
        if (gzip) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
                out.write(content);
            }
            content = bytes.toByteArray();
        }
        return Files.write(dir.resolve(name), content);
    }

    private static void assertFormatError(Executable read, String... fragments) {
        DataFormatException e = assertThrows(DataFormatException.class, read);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
    }

    private Path goodLabels(int n) throws IOException {
        return file("labels", concat(header(0x801, n), new byte[n]), false);
    }

    @Test
    void badMagicNamesFileAndMagic() throws IOException {
        Path labels = goodLabels(3);
        assertFormatError(() -> Idx.readImages(labels), "labels", "0x00000801", "label file", "0x00000803");
        Path png = file("fake", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}, false);
        assertFormatError(() -> Idx.readImages(png), "fake", "not an IDX file");
        Path floats = file("floats", concat(header(0x00000D03, 1, 1, 1), new byte[4]), false);
        assertFormatError(() -> Idx.readImages(floats), "data type 0x0d");
    }

    @Test
    void tooShortForHeader() throws IOException {
        Path empty = file("empty", new byte[0], false);
        assertFormatError(() -> Idx.readImages(empty), "empty", "too short");
        Path cut = file("cut", header(0x803, 10), true);
        assertFormatError(() -> Idx.readImages(cut), "cut", "header ends after 8 bytes");
    }

    @Test
    void truncatedPixelsRaw() throws IOException {
        Path img = file("x-idx3-ubyte", concat(header(0x803, 10000, 28, 28), new byte[7840]), false);
        assertFormatError(() -> Idx.readImages(img),
                "x-idx3-ubyte", "header says 10000 images of 28x28", "holds 7840 bytes of pixels");
    }

    @Test
    void truncatedPixelsGzip() throws IOException {
        byte[] pixels = new byte[7840];
        new java.util.Random(5).nextBytes(pixels);   // incompressible, so the size bound cannot catch it
        Path img = file("x.gz", concat(header(0x803, 100, 28, 28), pixels), true);
        assertFormatError(() -> Idx.readImages(img), "x.gz", "100 images of 28x28", "only 7840 bytes");
    }

    @Test
    void trailingBytesRawAndGzip() throws IOException {
        byte[] content = concat(header(0x803, 1, 2, 2), new byte[5]);
        Path raw = file("raw", content, false);
        assertFormatError(() -> Idx.readImages(raw), "raw", "holds 5 bytes");
        Path gz = file("gz", content, true);
        assertFormatError(() -> Idx.readImages(gz), "gz", "more data follows");
    }

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        Path img = file("img", concat(header(0x803, 4, 2, 2), new byte[16]), false);
        Path lab = goodLabels(3);
        assertFormatError(() -> Idx.read(img, lab), "labels", "3 labels", "img", "4 images");
    }

    @Test
    void labelOutsideTenClasses() throws IOException {
        Path img = file("img", concat(header(0x803, 3, 1, 1), new byte[3]), false);
        Path lab = file("lab", concat(header(0x801, 3), new byte[] {9, 0, 10}), false);
        assertFormatError(() -> Idx.read(img, lab), "lab", "image 2", "is 10", "0..9");
    }

    @Test
    void truncatedLabels() throws IOException {
        Path lab = file("lab", concat(header(0x801, 5), new byte[4]), false);
        assertFormatError(() -> Idx.readLabels(lab), "lab", "5 labels", "4 bytes of labels");
    }

    @Test
    void zeroSideRejected() throws IOException {
        Path img = file("img", header(0x803, 3, 0, 28), false);
        assertFormatError(() -> Idx.readImages(img), "img", "3 images of 0x28", "positive");
    }

    @Test
    void absurdClaimsFailFastWithoutAllocating() throws IOException {
        // 2^31 images (0x80000000 read unsigned), and 2^32-1 of each dimension: beyond any array.
        Path huge = file("huge", concat(header(0x803, 0x80000000, 28, 28), new byte[784]), false);
        Path hugeGz = file("huge.gz", concat(header(0x803, 0x80000000, 28, 28), new byte[784]), true);
        Path allMax = file("max.gz", header(0x803, -1, -1, -1), true);
        // Fits one array (1.5 GB) but a small gzip file cannot hold it.
        Path big = file("big.gz", concat(header(0x803, 2_000_000, 28, 28), new byte[784]), true);
        // Raw file: the claim is checked against the file size before allocation.
        Path bigRaw = file("big", concat(header(0x803, 2_000_000, 28, 28), new byte[784]), false);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertFormatError(() -> Idx.readImages(huge), "huge", "2147483648 images of 28x28", "more than one Java array");
            assertFormatError(() -> Idx.readImages(hugeGz), "huge.gz", "2147483648 images");
            assertFormatError(() -> Idx.readImages(allMax), "max.gz", "4294967295 images of 4294967295x4294967295");
            assertFormatError(() -> Idx.readImages(big), "big.gz", "2000000 images", "cannot decompress to more than");
            assertFormatError(() -> Idx.readImages(bigRaw), "big", "2000000 images", "holds 784 bytes of pixels");
            Path hugeLabels = file("hugelab", header(0x801, 0x7FFFFFFF), false);
            assertFormatError(() -> Idx.readLabels(hugeLabels), "hugelab", "2147483647 labels");
        });
    }

    @Test
    void corruptGzipNamesFile() throws IOException {
        Path gz = file("broken.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5}, false);
        assertFormatError(() -> Idx.readImages(gz), "broken.gz");
    }
}
