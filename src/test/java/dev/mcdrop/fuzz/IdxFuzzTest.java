package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.data.DataFormatException;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the IDX reader (data/Idx), raw and gzip. The input is the file: it
 * is read as an image file and as a label file; an input that starts with the gzip magic is read
 * as the gzip stream it claims to be (so mutated and truncated gzip streams are covered), any
 * other is also gzipped here and read again, which must give exactly the same result as the raw
 * read. Contract: a read either returns data consistent with its header or throws
 * {@link DataFormatException} with a clean message naming the file; any other throwable, a hang
 * or an OutOfMemoryError is a finding. Seeds: IdxFuzzTestInputs/ (raw and .gz files).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdxFuzzTest {

    /** The file length to check an accepted image file against, when it is not gzip. */
    private static final long UNKNOWN = -1;

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) {
        boolean isGzip = input.length >= 2 && (input[0] & 0xFF) == 0x1f && (input[1] & 0xFF) == 0x8b;
        Path raw = FuzzSupport.write("fuzz-idx", input);
        Object images = images(raw, isGzip ? UNKNOWN : input.length);
        Object labels = labels(raw);
        if (!isGzip) {
            Path gz = FuzzSupport.write("fuzz-idx.gz", gzip(input));
            assertSame("images", images, images(gz, UNKNOWN));
            assertSame("labels", labels, labels(gz));
        }
    }

    /** The pixels read, or the rejection (as its class) if the file was refused. */
    private static Object images(Path file, long rawLength) {
        try {
            LabeledImages set = Idx.readImages(file);
            if (set.hasLabels() || set.channels() != 1) throw new AssertionError("image file gave labels or channels " + set);
            byte[] pixels = new byte[set.count() * set.imageSize()];
            for (int i = 0; i < set.count(); i++) {
                System.arraycopy(set.imageBytes(i), 0, pixels, i * set.imageSize(), set.imageSize());
            }
            if (rawLength != UNKNOWN && 16 + pixels.length != rawLength) {
                throw new AssertionError("accepted a raw image file of " + rawLength + " bytes holding " + pixels.length + " pixels");
            }
            return Outcome.of(set.count(), set.height(), set.width(), pixels);
        } catch (DataFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
            return DataFormatException.class;
        } catch (IOException e) {
            throw new AssertionError("not a DataFormatException: " + e, e);
        }
    }

    private static Object labels(Path file) {
        try {
            return Outcome.of(Idx.readLabels(file));
        } catch (DataFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
            return DataFormatException.class;
        } catch (IOException e) {
            throw new AssertionError("not a DataFormatException: " + e, e);
        }
    }

    private static void assertSame(String what, Object raw, Object gzipped) {
        if (!raw.equals(gzipped)) throw new AssertionError(what + ": the raw file gave " + raw + ", the same bytes gzipped " + gzipped);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** What a read gave, compared by content (arrays included). */
    private record Outcome(Object[] items) {
        static Outcome of(Object... items) { return new Outcome(items); }
        @Override public boolean equals(Object o) { return o instanceof Outcome l && Arrays.deepEquals(items, l.items); }
        @Override public int hashCode() { return Arrays.deepHashCode(items); }
        @Override public String toString() { return "read of " + items.length + " fields"; }
    }
}
