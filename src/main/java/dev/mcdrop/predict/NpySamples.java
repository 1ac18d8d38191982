package dev.mcdrop.predict;

import dev.mcdrop.backend.Pairs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.mcdrop.io.AtomicFile;

/**
 * A {@link SampleSink} that writes every pass's class probabilities to a NumPy {@code .npy}
 * file: float32, C order, shape (T, N, K), {@code samples[t, i, k]} = p(class k | image i, the
 * masks of sample t). Sample-major because that is the order the passes come in, so each chunk
 * lands in a few contiguous positional writes and memory use is one chunk, whatever T·N·K.
 * Read it with {@code numpy.load(path)} (or {@code mmap_mode='r'} for big runs). Written to a
 * temporary file that replaces {@code path} only on {@link #commit}, which the command calls once
 * the whole run succeeded (every row in, its other outputs written), so an interrupted or failed
 * run leaves an earlier file as it was.
 */
public final class NpySamples implements SampleSink, AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private final Path path;
    private final AtomicFile file;
    private final int samples, images, classes;
    private final long dataStart;
    private long written; // (sample, image) rows written
    private ByteBuffer run = ByteBuffer.allocate(0);

    private NpySamples(Path path, AtomicFile file, int samples, int images, int classes, long dataStart) {
        this.path = path;
        this.file = file;
        this.samples = samples;
        this.images = images;
        this.classes = classes;
        this.dataStart = dataStart;
    }

    /** Starts {@code path}'s replacement for T = {@code samples}, N = {@code images}, K = {@code classes}. */
    public static NpySamples create(Path path, int samples, int images, int classes) throws IOException {
        if (samples < 1 || images < 1 || classes < 1) {
            throw new IllegalArgumentException("samples file shape (" + samples + ", " + images + ", " + classes + ") must be positive");
        }
        byte[] header = header(samples, images, classes);
        AtomicFile file = AtomicFile.create(path);
        try {
            file.write(ByteBuffer.wrap(header));
        } catch (IOException e) {
            file.close();
            throw e; // "cannot write <path>: <reason>" from AtomicFile
        }
        return new NpySamples(path, file, samples, images, classes, header.length);
    }

    /** Magic, version 1.0, little-endian header length, then the dict padded so the data starts at a multiple of 64. */
    static byte[] header(int samples, int images, int classes) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + samples + ", " + images + ", " + classes + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        String text = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    @Override
    public void accept(Pairs pairs, int columns, int k, float[] probs) {
        if (k != classes) throw new IllegalArgumentException(path + ": " + k + " classes, the file was made for " + classes);
        // Columns are consecutive pairs: runs of one sample over consecutive images are contiguous in (T, N, K).
        for (int from = 0; from < columns; ) {
            long sample = pairs.sampleOf(from);
            int to = from + 1;
            while (to < columns && pairs.sampleOf(to) == sample) to++;
            long image = pairs.imageOf(from);
            if (sample >= samples || image + (to - from) > images) {
                throw new IllegalArgumentException(path + ": sample " + sample + ", images " + image + ".." + (image + to - from - 1)
                        + " outside the file's shape (" + samples + ", " + images + ", " + classes + ")");
            }
            write(probs, columns, from, to, dataStart + (sample * images + image) * classes * Float.BYTES);
            written += to - from;
            from = to;
        }
    }

    /** Columns [from, to) of probs[classes][columns], transposed to [column][class], at byte {@code position}. */
    private void write(float[] probs, int columns, int from, int to, long position) {
        int bytes = (to - from) * classes * Float.BYTES;
        if (run.capacity() < bytes) run = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        run.clear().limit(bytes);
        for (int n = from; n < to; n++)
            for (int c = 0; c < classes; c++) run.putFloat(probs[c * columns + n]);
        run.flip();
        try {
            file.write(run, position);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e); // "cannot write <path>: <reason>" from AtomicFile
        }
    }

    /**
     * Moves the file into place; called by the command once the whole run succeeded (its other
     * outputs written too). Fails, leaving {@code path} as it was, unless every (sample, image)
     * row was written.
     */
    public void commit() throws IOException {
        long expected = (long) samples * images;
        if (written != expected) {
            file.close();
            throw new IOException(path + ": not written, only " + written + " of " + expected + " (sample, image) rows were computed");
        }
        file.commit();
    }

    /** Discards the file unless {@link #commit} moved it into place: a failed run leaves {@code path} as it was. */
    @Override
    public void close() throws IOException {
        file.close();
    }
}
