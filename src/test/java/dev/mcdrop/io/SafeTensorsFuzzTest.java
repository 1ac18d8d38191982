package dev.mcdrop.io;

import static dev.mcdrop.io.RawSafeTensors.concat;
import static dev.mcdrop.io.RawSafeTensors.hex;
import static dev.mcdrop.io.RawSafeTensors.json;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing: valid files with bytes flipped, overwritten, truncated or inserted.
 * Opening and reading every variant must either succeed or throw WeightsFormatException; any
 * other throwable (IndexOutOfBounds, NullPointer, OutOfMemory, a Jackson exception...) fails
 * with the seed and variant to reproduce it.
 */
class SafeTensorsFuzzTest {

    private static final long SEED = 0x5afe_7e45L;
    private static final int VARIANTS_PER_FILE = 300;

    @TempDir Path dir;

    private byte[] writerFile() throws IOException {
        Path p = dir.resolve("seed.safetensors");
        SafeTensorsWriter.write(p, Map.of("format", "pt", "arch", "lenet"), List.of(
                new NamedTensor("conv1.weight", new int[] {2, 1, 2, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8}),
                new NamedTensor("conv1.bias", new int[] {2}, new float[] {0.5f, -0.5f}),
                new NamedTensor("scalar", new int[] {}, new float[] {3}),
                new NamedTensor("empty", new int[] {0}, new float[0])));
        return Files.readAllBytes(p);
    }

    private static byte[] mixedDtypeFile() {
        String header = json("{'__metadata__':{'format':'pt'},"
                + "'d':{'dtype':'F64','shape':[1],'data_offsets':[0,8]},"
                + "'f':{'dtype':'F32','shape':[2,1],'data_offsets':[8,16]},"
                + "'b':{'dtype':'BF16','shape':[2],'data_offsets':[16,20]},"
                + "'h':{'dtype':'F16','shape':[2],'data_offsets':[20,24]}}");
        return RawSafeTensors.file(header, concat(hex("000000000000f83f"), hex("0000803f000020c0"),
                hex("803f00c0"), hex("003c00c0")));
    }

    @Test
    void mutatedWriterFile() throws IOException {
        fuzz(writerFile(), "writer");
    }

    @Test
    void mutatedMixedDtypeFile() throws IOException {
        fuzz(mixedDtypeFile(), "mixed");
    }

    private void fuzz(byte[] valid, String label) throws IOException {
        RawSafeTensors.openAndReadAll(RawSafeTensors.write(dir, "valid.safetensors", valid));
        long seed = SEED ^ label.hashCode();
        Random random = new Random(seed);
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int accepted = 0, rejected = 0;
        for (int v = 0; v < VARIANTS_PER_FILE; v++) {
            byte[] bytes = mutate(valid, headerEnd, random);
            Path p = RawSafeTensors.write(dir, "fuzz.safetensors", bytes);
            try {
                RawSafeTensors.openAndReadAll(p);
                accepted++;
            } catch (WeightsFormatException e) {
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail(label + " variant " + v + " (seed " + seed + ") threw " + t + " for bytes "
                        + new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.ISO_8859_1), t);
            }
        }
        // Guard against a vacuous fuzz: both outcomes must actually occur.
        assertTrue(accepted > 0 && rejected > 0, label + ": accepted " + accepted + ", rejected " + rejected);
    }

    /** One random corruption; header bytes are targeted most, as that is where parsing happens. */
    private static byte[] mutate(byte[] valid, int headerEnd, Random r) {
        byte[] b = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip a bit in the header or length field
                int i = r.nextInt(headerEnd);
                b[i] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> { // overwrite a few header bytes with JSON-significant or random characters
                byte[] alphabet = "{}[]\",:-0123456789eE.+ \\u\0\u00ff".getBytes(StandardCharsets.ISO_8859_1);
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    int i = 8 + r.nextInt(headerEnd - 8);
                    b[i] = r.nextBoolean() ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate anywhere
            case 3 -> { // rewrite the length field to something near or absurd
                long n = switch (r.nextInt(3)) {
                    case 0 -> headerEnd - 8 + r.nextInt(17) - 8;
                    case 1 -> r.nextLong();
                    default -> 1L << r.nextInt(64);
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            }
            case 4 -> { // insert or delete a byte inside the header, shifting everything after
                int i = 8 + r.nextInt(headerEnd - 8);
                b = r.nextBoolean()
                        ? concat(Arrays.copyOf(b, i), new byte[] {(byte) r.nextInt(256)}, Arrays.copyOfRange(b, i, b.length))
                        : concat(Arrays.copyOf(b, i), Arrays.copyOfRange(b, i + 1, b.length));
            }
            default -> { // scribble over the data section: must always still open
                for (int k = 0; k < 4 && b.length > headerEnd; k++) {
                    b[headerEnd + r.nextInt(b.length - headerEnd)] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }
}
