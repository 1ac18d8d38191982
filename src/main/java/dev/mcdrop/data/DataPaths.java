package dev.mcdrop.data;

import dev.mcdrop.io.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the data sets live, so commands and tests agree on one layout:
 * <pre>
 *   $MCDROP_DATA (default ./data)
 *     mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]          scripts/fetch-mnist.sh
 *     fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]  scripts/fetch-fashion-mnist.sh
 *     cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin            download by hand (not bundled)
 *   ./test-data                                                         small slices committed to git
 *     mnist/t10k-{images-first1000-idx3,labels-first1000-idx1}-ubyte.gz  (see test-data/README.md)
 *     fashion-mnist/t10k-{images-first200-idx3,labels-first200-idx1}-ubyte.gz
 *     images/digit-7.png, images/digit-2-inverted.png
 * </pre>
 * Each IDX file is found with or without a .gz suffix (the reader detects gzip by content). A
 * missing file raises {@link NoSuchFileException} whose message names the script that fetches it.
 */
public final class DataPaths {
    private final Path dataRoot;
    private final Path testDataRoot;

    public DataPaths(Path dataRoot, Path testDataRoot) {
        this.dataRoot = dataRoot;
        this.testDataRoot = testDataRoot;
    }

    /** {@code $MCDROP_DATA} (or {@code ./data} when unset or empty) and {@code ./test-data}. */
    public static DataPaths defaults() {
        String env = System.getenv("MCDROP_DATA");
        return new DataPaths(Path.of(env == null || env.isBlank() ? "data" : env), Path.of("test-data"));
    }

    public Path dataRoot() { return dataRoot; }

    public Path testDataRoot() { return testDataRoot; }

    public Path mnistDir() { return dataRoot.resolve("mnist"); }

    public Path fashionMnistDir() { return dataRoot.resolve("fashion-mnist"); }

    public Path cifar10Dir() { return dataRoot.resolve("cifar-10-batches-bin"); }

    /** Full MNIST, train (60,000) or test (10,000). */
    public LabeledImages mnist(boolean train) throws IOException {
        return readIdxPair(mnistDir(), train, "MNIST", "scripts/fetch-mnist.sh");
    }

    /** Full Fashion-MNIST, train (60,000) or test (10,000). */
    public LabeledImages fashionMnist(boolean train) throws IOException {
        return readIdxPair(fashionMnistDir(), train, "Fashion-MNIST", "scripts/fetch-fashion-mnist.sh");
    }

    /** CIFAR-10 from {@link #cifar10Dir()}; its error explains where to download it. */
    public LabeledImages cifar10(boolean train) throws IOException {
        return Cifar10.readDirectory(cifar10Dir(), train);
    }

    /** The bundled first 1,000 MNIST test images and labels. */
    public LabeledImages mnistTestSlice() throws IOException {
        Path dir = testDataRoot.resolve("mnist");
        return Idx.read(bundled(dir.resolve("t10k-images-first1000-idx3-ubyte.gz")),
                bundled(dir.resolve("t10k-labels-first1000-idx1-ubyte.gz")));
    }

    /** The bundled first 200 Fashion-MNIST test images and labels. */
    public LabeledImages fashionMnistTestSlice() throws IOException {
        Path dir = testDataRoot.resolve("fashion-mnist");
        return Idx.read(bundled(dir.resolve("t10k-images-first200-idx3-ubyte.gz")),
                bundled(dir.resolve("t10k-labels-first200-idx1-ubyte.gz")));
    }

    /** {@code test-data/images/<name>}, e.g. digit-7.png. */
    public Path sampleImage(String name) throws IOException {
        return bundled(testDataRoot.resolve("images").resolve(name));
    }

    private LabeledImages readIdxPair(Path dir, boolean train, String name, String script) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte", name, script);
        Path labels = find(dir, prefix + "-labels-idx1-ubyte", name, script);
        return Idx.read(images, labels);
    }

    private static Path find(Path dir, String baseName, String name, String script) throws IOException {
        return findIdxFile(dir, baseName, name + " file not found (nor " + baseName + ".gz); run " + script
                + ", or set MCDROP_DATA to the folder that holds mnist/ and fashion-mnist/");
    }

    /**
     * {@code dir/baseName} or {@code dir/baseName.gz}, whichever exists, checked to be a regular
     * file; the one rule for every data folder (--data, $MCDROP_DATA). {@code dir} that is not a
     * folder, or a match that is a folder, FIFO or device, is refused for what it is
     * ({@link InputFiles.RefusedException}); when neither exists, {@link NoSuchFileException} with
     * {@code missing} as its reason.
     */
    public static Path findIdxFile(Path dir, String baseName, String missing) throws IOException {
        if (Files.exists(dir)) InputFiles.requireDirectory(dir, null);
        for (String candidate : new String[]{baseName, baseName + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.exists(p)) {
                InputFiles.requireRegularFile(p, null);
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(baseName).toString(), null, missing);
    }

    private Path bundled(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "bundled test data missing; run from the project"
                    + " root (it is committed under test-data/) or regenerate it with scripts/make-test-data.sh");
        }
        return file;
    }
}
