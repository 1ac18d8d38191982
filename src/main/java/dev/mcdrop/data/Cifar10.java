package dev.mcdrop.data;

import dev.mcdrop.io.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the "binary version" of CIFAR-10 (cifar-10-binary.tar.gz from
 * https://www.cs.toronto.edu/~kriz/cifar.html, extracted to a folder such as
 * {@code data/cifar-10-batches-bin}). CIFAR-10 is not bundled, so the path always comes from the
 * user.
 *
 * <p>Each file is a sequence of 3073-byte records: 1 label byte (0–9), then 3072 pixel bytes, the
 * 32×32 red plane, then green, then blue, each row-major. That is already the {@code [c][y][x]}
 * order {@link LabeledImages} stores, so red ends up in channel 0. The training set is
 * data_batch_1.bin … data_batch_5.bin (10,000 records each), the test set test_batch.bin.
 */
public final class Cifar10 {
    private Cifar10() {}

    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    /** Class names by label, as listed in batches.meta.txt. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");

    public static final List<String> TEST_FILES = List.of("test_batch.bin");

    /** Reads the training (data_batch_1..5.bin) or test (test_batch.bin) files of an extracted folder. */
    public static LabeledImages readDirectory(Path dir, boolean train) throws IOException {
        List<String> names = train ? TRAIN_FILES : TEST_FILES;
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (Files.exists(dir)) dev.mcdrop.io.InputFiles.requireDirectory(dir, null); // a file, FIFO or device: said so
        for (String name : names) {
            Path file = dir.resolve(name);
            files.add(file);
            if (Files.exists(file)) dev.mcdrop.io.InputFiles.requireRegularFile(file, null); // a folder or FIFO: said so
            if (!Files.isRegularFile(file)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null,
                    "CIFAR-10 " + (train ? "training" : "test") + " set needs " + String.join(", ", names)
                            + " but " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                            + " missing; download the binary version (cifar-10-binary.tar.gz) from"
                            + " https://www.cs.toronto.edu/~kriz/cifar.html and extract it there");
        }
        return read(files, dir + (train ? " (CIFAR-10 train)" : " (CIFAR-10 test)"));
    }

    /** Reads and concatenates CIFAR-10 binary files in the given order. */
    public static LabeledImages read(List<Path> files) throws IOException {
        return read(files, files.size() == 1 ? files.getFirst().toString() : files.toString());
    }

    private static LabeledImages read(List<Path> files, String source) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 files given");
        }
        long total = 0;
        for (Path file : files) {
            long size = InputFiles.requireRegularFile(file, null); // a FIFO would block in open, a device never end
            if (size == 0 || size % RECORD_BYTES != 0) {
                throw new DataFormatException(file + ": length " + size + " is not a positive multiple of the "
                        + RECORD_BYTES + "-byte CIFAR-10 record (1 label + 3x32x32 pixels)"
                        + (size % RECORD_BYTES != 0 ? "; " + size / RECORD_BYTES + " whole records and "
                        + size % RECORD_BYTES + " bytes left over" : ""));
            }
            total += size / RECORD_BYTES;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(files + ": " + total + " records are too many for one array");
        }
        int count = (int) total;
        byte[] pixels = new byte[count * IMAGE_BYTES];
        byte[] labels = new byte[count];
        byte[] record = new byte[RECORD_BYTES];
        int n = 0;
        for (Path file : files) {
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int r = 0; ; r++) {
                    int got = in.readNBytes(record, 0, RECORD_BYTES);
                    if (got == 0) {
                        break;
                    }
                    if (got < RECORD_BYTES || n == count) {
                        throw new DataFormatException(file + ": changed size while being read (record " + r + ")");
                    }
                    int label = record[0] & 0xFF;
                    if (label >= CLASS_NAMES.size()) {
                        throw new DataFormatException(file + ": record " + r + " (byte offset " + (long) r * RECORD_BYTES
                                + ") has label " + label + ", outside 0..9");
                    }
                    labels[n] = (byte) label;
                    System.arraycopy(record, 1, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
                    n++;
                }
            }
        }
        if (n != count) {
            throw new DataFormatException(files + ": changed size while being read");
        }
        return LabeledImages.wrap(source, CHANNELS, SIDE, SIDE, pixels, labels);
    }

    /** Class names from batches.meta.txt: one per non-blank line, in label order. */
    public static List<String> readClassNames(Path batchesMetaTxt) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(batchesMetaTxt)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != CLASS_NAMES.size()) {
            throw new DataFormatException(batchesMetaTxt + ": lists " + names.size() + " class names, expected "
                    + CLASS_NAMES.size());
        }
        return List.copyOf(names);
    }
}
