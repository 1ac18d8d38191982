package dev.mcdrop.data;

import dev.mcdrop.io.AtomicFile;
import dev.mcdrop.io.InputFiles;
import dev.mcdrop.model.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes the IDX files of MNIST and Fashion-MNIST, raw or gzip-compressed (recognized by
 * the gzip magic bytes 1f 8b, not by the file name, because downloads get renamed).
 *
 * <p>Format: a big-endian magic number {@code 00 00 08 d} (08 = unsigned bytes, d = number of
 * dimensions), then d big-endian 32-bit sizes, then the data. Images are {@code 0x00000803}
 * (count, rows, cols); labels are {@code 0x00000801} (count).
 *
 * <p>Every size in the header is checked against what the file can actually hold, and (when the
 * caller says what the network takes) the image shape against the network's input, before the
 * body is read, inflated or allocated, so a corrupt header claiming 2^31 images, or a 260 KB gzip
 * file declaring one 16384×16384 image, fails at once with a message instead of an
 * {@link OutOfMemoryError} or 268 MB of inflating.
 */
public final class Idx {
    private Idx() {}

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    /** Classes in MNIST and Fashion-MNIST; {@link #read(Path, Path)} rejects larger labels. */
    public static final int DEFAULT_CLASS_COUNT = 10;

    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Largest image side an IDX header may declare: the same bound as a picture's ({@link ImageFiles}). */
    static final long MAX_SIDE = ImageFiles.MAX_SIDE;

    /** Deflate cannot expand data by more than about 1032:1, which bounds a gzip file's content. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    /** Reads images and labels, checking that counts agree and every label is below 10. */
    public static LabeledImages read(Path images, Path labels) throws IOException {
        return read(images, labels, DEFAULT_CLASS_COUNT);
    }

    /** Reads images and labels, checking that counts agree and every label is below {@code classCount}. */
    public static LabeledImages read(Path images, Path labels, int classCount) throws IOException {
        return read(images, labels, classCount, null);
    }

    /** Reads an image file alone; the result has no labels. */
    public static LabeledImages readImages(Path images) throws IOException {
        return read(images, null, DEFAULT_CLASS_COUNT, null);
    }

    /**
     * Reads images for a network that takes {@code expected} inputs, with their labels when
     * {@code labels} is not null (every label below {@code classCount}). Both headers are read and
     * checked first (the image shape against {@code expected}, when given; the counts against each
     * other and against what the files can hold), so a small file that declares a huge image is
     * refused before its body is inflated or anything is allocated for it.
     */
    public static LabeledImages read(Path images, Path labels, int classCount, Shape expected) throws IOException {
        try (Opened img = open(images, IMAGES_MAGIC); Opened lab = labels == null ? null : open(labels, LABELS_MAGIC)) {
            if (expected != null && (expected.channels() != 1 || img.dims[1] != expected.height()
                    || img.dims[2] != expected.width())) {
                throw new DataFormatException(images + ": header says " + describe(img.dims) + " (1 channel); the network"
                        + " takes " + expected + " images (channels x height x width)");
            }
            long imageCount = img.dims[0];
            if (lab != null && lab.dims[0] != imageCount) {
                throw new DataFormatException(labels + ": holds " + lab.dims[0] + " labels but " + images
                        + " holds " + imageCount + " images; the counts must match");
            }
            byte[] pixels = img.body();
            byte[] labelBytes = lab == null ? null : lab.body();
            for (int i = 0; labelBytes != null && i < labelBytes.length; i++) {
                int label = labelBytes[i] & 0xFF;
                if (label >= classCount) {
                    throw new DataFormatException(labels + ": label of image " + i + " is " + label
                            + ", outside 0.." + (classCount - 1));
                }
            }
            return LabeledImages.wrap(images.toString(), 1, (int) img.dims[1], (int) img.dims[2], pixels, labelBytes);
        }
    }

    /** Reads a label file alone: one byte per image, unchecked range. */
    public static byte[] readLabels(Path labels) throws IOException {
        try (Opened lab = open(labels, LABELS_MAGIC)) {
            return lab.body();
        }
    }

    /**
     * Writes single-channel images (and, if {@code labels} is not null, their labels) as IDX,
     * gzip-compressed if {@code gzip}. Labels may be null to write images only.
     */
    public static void write(Path images, Path labels, LabeledImages set, boolean gzip) throws IOException {
        if (set.channels() != 1) {
            throw new IllegalArgumentException("IDX image files hold one channel; " + set + " has " + set.channels());
        }
        if (labels != null && !set.hasLabels()) {
            throw new IllegalArgumentException("cannot write labels to " + labels + ": " + set + " has none");
        }
        int size = set.imageSize();
        write(images, gzip, out -> {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(set.count());
            out.writeInt(set.height());
            out.writeInt(set.width());
            out.write(set.backingPixels(), set.backingFirstImage() * size, set.count() * size);
        });
        if (labels != null) {
            write(labels, gzip, out -> {
                out.writeInt(LABELS_MAGIC);
                out.writeInt(set.count());
                for (int i = 0; i < set.count(); i++) {
                    out.writeByte(set.label(i));
                }
            });
        }
    }

    private interface DataBody {
        void writeTo(DataOutputStream out) throws IOException;
    }

    /** One IDX file through {@link AtomicFile}: complete (gzip trailer included) or not there at all. */
    private static void write(Path file, boolean gzip, DataBody body) throws IOException {
        AtomicFile.write(file, raw -> {
            OutputStream kept = new java.io.FilterOutputStream(raw) { // closing the gzip stream must not close the file
                @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

                @Override public void close() throws IOException { flush(); }
            };
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gzip ? new GZIPOutputStream(kept, 1 << 16) : kept, 1 << 16))) {
                body.writeTo(out);
            }
        });
    }

    /**
     * An IDX file opened and its header read and checked: sizes (unsigned) and the payload they
     * declare, which fits one array and what the file can hold. {@link #body} reads the data.
     */
    private static final class Opened implements AutoCloseable {
        final Path file;
        final InputStream in;
        final boolean gzip;
        final long[] dims;
        final long payload;

        private Opened(Path file, InputStream in, long[] dims, long payload) {
            this.file = file;
            this.in = in;
            this.gzip = in instanceof GZIPInputStream;
            this.dims = dims;
            this.payload = payload;
        }

        /** The data bytes; exactly as many as the header declares (checked as they are read). */
        byte[] body() throws IOException {
            String claim = describe(dims);
            try {
                // A raw file's size was checked, so allocate at once; a gzip stream grows its buffer as data arrives.
                byte[] data = readExactly(in, (int) payload, gzip ? 1 << 20 : (int) payload, file, claim, dims.length);
                if (in.read() != -1) {
                    throw new DataFormatException(file + ": header says " + claim + " (" + payload
                            + " bytes) but more data follows " + dataWord(dims.length));
                }
                return data;
            } catch (ZipException | EOFException corrupt) {
                throw corruptGzip(file, corrupt);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static Opened open(Path file, int expectedMagic) throws IOException {
        long fileSize = InputFiles.requireRegularFile(file, null); // a FIFO would block in open, a device never end
        InputStream in;
        try {
            in = openMaybeGzip(file); // reads the gzip header: a bad one fails here
        } catch (ZipException | EOFException corrupt) {
            throw corruptGzip(file, corrupt);
        }
        try {
            return readHeader(file, in, expectedMagic, fileSize);
        } catch (ZipException | EOFException corrupt) {
            in.close();
            throw corruptGzip(file, corrupt);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static Opened readHeader(Path file, InputStream in, int expectedMagic, long fileSize) throws IOException {
        boolean gzip = in instanceof GZIPInputStream;
        int expectedDims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * expectedDims;
        byte[] header = new byte[headerBytes];
        int got = in.readNBytes(header, 0, headerBytes);
        if (got < 4) {
            throw new DataFormatException(file + ": " + (gzip ? "decompressed content" : "file") + " is "
                    + got + " bytes, too short for the 4-byte IDX magic number");
        }
        int magic = readInt(header, 0);
        checkMagic(file, magic, expectedMagic);
        if (got < headerBytes) {
            throw new DataFormatException(file + ": header ends after " + got + " bytes; an IDX file with "
                    + expectedDims + " dimensions needs " + headerBytes);
        }
        long[] dims = new long[expectedDims];
        for (int d = 0; d < expectedDims; d++) {
            dims[d] = readInt(header, 4 + 4 * d) & 0xFFFFFFFFL;
        }
        String claim = describe(dims);
        for (int d = 1; d < expectedDims; d++) {
            if (dims[d] == 0 || dims[d] > MAX_SIDE) { // a side past an int passed the size check when the count was 0
                throw new DataFormatException(file + ": header says " + claim + "; image sides must be positive and at most "
                        + String.format(java.util.Locale.ROOT, "%,d", MAX_SIDE));
            }
        }
        long payload;
        try {
            payload = 1;
            for (long dim : dims) {
                payload = Math.multiplyExact(payload, dim);
            }
        } catch (ArithmeticException overflow) {
            payload = Long.MAX_VALUE;
        }
        if (payload > MAX_ARRAY) {
            throw new DataFormatException(file + ": header says " + claim + ", more than one Java array can hold"
                    + " (2 GiB); the header is probably corrupt");
        }
        if (!gzip) {
            long available = fileSize - headerBytes;
            if (available != payload) {
                throw new DataFormatException(file + ": header says " + claim + " (" + payload
                        + " bytes) but the file holds " + available + " bytes " + dataWord(expectedDims));
            }
        } else if (payload > fileSize * MAX_DEFLATE_RATIO) {
            throw new DataFormatException(file + ": header says " + claim + " (" + payload + " bytes) but a gzip"
                    + " file of " + fileSize + " bytes cannot decompress to more than " + fileSize * MAX_DEFLATE_RATIO);
        }
        return new Opened(file, in, dims, payload);
    }

    /** Reads {@code n} bytes, growing the buffer as data arrives so a lying header cannot make us allocate. */
    private static byte[] readExactly(InputStream in, int n, int initialCapacity, Path file, String claim, int dims)
            throws IOException {
        byte[] buf = new byte[Math.min(n, initialCapacity)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) {
                throw new DataFormatException(file + ": header says " + claim + " (" + n + " bytes) but the "
                        + "decompressed file holds only " + filled + " bytes " + dataWord(dims));
            }
            filled += r;
        }
        return buf;
    }

    /** A gzip stream that breaks (bad header or method, ends early): the zip library's reason, or "it ends early". */
    private static DataFormatException corruptGzip(Path file, IOException corrupt) {
        String reason = corrupt.getMessage() == null || corrupt instanceof EOFException ? "it ends early" : corrupt.getMessage();
        return new DataFormatException(file + ": corrupt gzip stream: " + reason, corrupt);
    }

    private static void checkMagic(Path file, int magic, int expectedMagic) throws DataFormatException {
        if (magic == expectedMagic) {
            return;
        }
        String expected = String.format("0x%08x (%s)", expectedMagic,
                expectedMagic == IMAGES_MAGIC ? "images: count, rows, cols" : "labels: count");
        String found = String.format("0x%08x", magic);
        String hint;
        if ((magic >>> 16) != 0) {
            hint = "not an IDX file";
        } else if (((magic >>> 8) & 0xFF) != 0x08) {
            hint = String.format("data type 0x%02x is not unsigned byte (0x08)", (magic >>> 8) & 0xFF);
        } else if (magic == LABELS_MAGIC) {
            hint = "this is a label file";
        } else if (magic == IMAGES_MAGIC) {
            hint = "this is an image file";
        } else {
            hint = (magic & 0xFF) + " dimensions";
        }
        throw new DataFormatException(file + ": magic number " + found + " (" + hint + "), expected " + expected);
    }

    private static String describe(long[] dims) {
        if (dims.length == 1) {
            return dims[0] + " labels";
        }
        return dims[0] + " images of " + dims[1] + "x" + dims[2];
    }

    private static String dataWord(int dims) {
        return dims == 1 ? "of labels" : "of pixels";
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** Opens a file, transparently decompressing it when it starts with the gzip magic 1f 8b. */
    static InputStream openMaybeGzip(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GZIPInputStream(in, 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
