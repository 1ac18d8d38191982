package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.predict.NpySamples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;

/**
 * Round-trip fuzzing of the .npy samples writer (predict/NpySamples, behind predict --samples-out).
 * The fuzzer picks the shape (T, N, K), any float bit patterns (NaN payloads included), the image
 * batch size and how the MC pairs are cut into chunks and in which order they arrive, as the
 * backends deliver them. The file is then read back by the small, independent .npy reader below,
 * written from the NumPy format spec (not from NpySamples): magic, version 1.0, 64-byte aligned
 * header, '<f4', C order, shape (T, N, K), then exactly T·N·K little-endian floats, bit for bit.
 * If the fuzzer drops a chunk, commit() must fail and leave the earlier file untouched.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NpySamplesFuzzTest {

    private static final byte[] EARLIER = "an earlier file".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "2m")
    void roundTrip(FuzzedDataProvider data) throws IOException {
        int samples = data.consumeInt(1, 6), images = data.consumeInt(1, 6), classes = data.consumeInt(1, 7);
        int batch = data.consumeInt(1, images);
        float[][][] expected = new float[samples][images][classes];
        for (float[][] s : expected) for (float[] i : s) for (int c = 0; c < classes; c++) i[c] = Float.intBitsToFloat(data.consumeInt());

        List<Chunk> chunks = new ArrayList<>();
        for (int base = 0; base < images; base += batch) {
            int b = Math.min(batch, images - base);
            long pairs = (long) samples * b;
            for (long first = 0; first < pairs; ) {
                int columns = (int) Math.min(pairs - first, data.consumeInt(1, 8));
                chunks.add(new Chunk(new Pairs(first, b, base), columns));
                first += columns;
            }
        }
        Collections.shuffle(chunks, new Random(data.consumeLong()));
        boolean dropOne = data.consumeBoolean();
        if (dropOne) chunks.remove(chunks.size() - 1);

        Path file = FuzzSupport.write("samples.npy", EARLIER);
        NpySamples out = NpySamples.create(file, samples, images, classes);
        for (Chunk chunk : chunks) {
            float[] probs = new float[classes * chunk.columns];
            for (int n = 0; n < chunk.columns; n++) {
                for (int c = 0; c < classes; c++) {
                    probs[c * chunk.columns + n] = expected[(int) chunk.pairs.sampleOf(n)][(int) chunk.pairs.imageOf(n)][c];
                }
            }
            out.accept(chunk.pairs, chunk.columns, classes, probs);
        }
        try (out) {
            out.commit();
        } catch (IOException e) {
            if (!dropOne) throw new AssertionError("commit failed with every row written", e);
            if (!java.util.Arrays.equals(Files.readAllBytes(file), EARLIER)) throw new AssertionError("a failed commit changed the earlier file");
            return;
        }
        if (dropOne) throw new AssertionError("commit succeeded with a chunk missing");
        checkNpy(Files.readAllBytes(file), expected);
    }

    private record Chunk(Pairs pairs, int columns) {}

    private static final Pattern HEADER = Pattern.compile(
            "\\{'descr': '<f4', 'fortran_order': False, 'shape': \\((\\d+), (\\d+), (\\d+)\\), \\} *\n");

    /** An independent .npy v1.0 reader (NumPy's format spec), checking every value bit for bit. */
    static void checkNpy(byte[] npy, float[][][] expected) {
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
        for (int i = 0; i < magic.length; i++) if (npy[i] != magic[i]) throw new AssertionError("bad magic/version at byte " + i);
        int headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        int dataStart = 10 + headerLength;
        if (dataStart % 64 != 0) throw new AssertionError("data starts at " + dataStart + ", not 64-byte aligned");
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) throw new AssertionError("header " + FuzzSupport.escape(header));
        int t = expected.length, n = expected[0].length, k = expected[0][0].length;
        if (Integer.parseInt(m.group(1)) != t || Integer.parseInt(m.group(2)) != n || Integer.parseInt(m.group(3)) != k) {
            throw new AssertionError("shape in header " + FuzzSupport.escape(header) + ", expected (" + t + ", " + n + ", " + k + ")");
        }
        if (npy.length != dataStart + 4L * t * n * k) throw new AssertionError("file is " + npy.length + " bytes");
        ByteBuffer values = ByteBuffer.wrap(npy, dataStart, npy.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    int got = values.getInt(), want = Float.floatToRawIntBits(expected[s][i][c]);
                    if (got != want) {
                        throw new AssertionError(String.format("samples[%d, %d, %d] is %08x, expected %08x", s, i, c, got, want));
                    }
                }
            }
        }
    }
}
