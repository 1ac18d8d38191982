package dev.mcdrop.experiment;

import dev.mcdrop.data.DataPaths;
import dev.mcdrop.data.Cifar10;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the experiments' data from a folder the user names: MNIST-style IDX pairs or CIFAR-10 binaries. */
public final class Datasets {
    private Datasets() {}

    /** {@code dir/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]} (MNIST, Fashion-MNIST). */
    public static LabeledImages idx(Path dir, boolean train, String hint) throws IOException {
        String prefix = train ? "train" : "t10k";
        return Idx.read(find(dir, prefix + "-images-idx3-ubyte", hint), find(dir, prefix + "-labels-idx1-ubyte", hint));
    }

    /** {@code dir/data_batch_{1..5}.bin} or {@code dir/test_batch.bin}. */
    public static LabeledImages cifar10(Path dir, boolean train) throws IOException {
        return Cifar10.readDirectory(dir, train);
    }

    /**
     * {@code n} images spread evenly over the set (image ⌊i·count/n⌋ for i = 0..n−1), all when
     * n ≤ 0 or n ≥ count. Evenly, not the first n: MNIST's test set puts its easier half first.
     */
    public static LabeledImages spread(LabeledImages set, int n) {
        if (n <= 0 || n >= set.count()) return set;
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) indices[i] = (int) ((long) i * set.count() / n);
        return set.subset(indices);
    }

    private static Path find(Path dir, String name, String hint) throws IOException {
        return DataPaths.findIdxFile(dir, name, name + "(.gz) not found in " + dir + "; " + hint);
    }
}
