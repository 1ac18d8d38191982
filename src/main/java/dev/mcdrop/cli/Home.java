package dev.mcdrop.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the bundled models and test data live: {@code -Dmcdrop.home} (set by the launcher), else
 * {@code $MCDROP_HOME}, else the current directory.
 */
final class Home {
    private Home() {}

    static Path root() {
        String p = System.getProperty("mcdrop.home");
        if (p == null || p.isBlank()) p = System.getenv("MCDROP_HOME");
        return Path.of(p == null || p.isBlank() ? "." : p);
    }

    static Path resolve(String relative) { return root().resolve(relative).normalize(); }

    /** {@code p} relative to the home folder when it lies inside it (for records that travel), else as given. */
    static String display(Path p) {
        Path home = root().toAbsolutePath().normalize(), abs = p.toAbsolutePath().normalize();
        return abs.startsWith(home) && !abs.equals(home) ? home.relativize(abs).toString() : p.toString();
    }

    /** A bundled model name ("lenet-all") or a path to a .safetensors file. */
    static Path model(String nameOrPath) {
        Path direct = Path.of(nameOrPath);
        if (Files.exists(direct) || nameOrPath.contains("/") || nameOrPath.endsWith(".safetensors")) return direct;
        return resolve("models/" + nameOrPath + ".safetensors");
    }

    static Path bundledMnistImages() { return resolve("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"); }

    static Path bundledMnistLabels() { return resolve("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz"); }
}
