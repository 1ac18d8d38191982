package dev.mcdrop.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mcdrop} in a child JVM, for what an in-process run cannot show: a real stdout redirected
 * to {@code /dev/full}, a process ended by a signal (its shutdown hooks run). Same class path,
 * same home folder (the working directory: the bundled models and test data), stderr to a file.
 */
final class McdropProcess {
    private McdropProcess() {}

    /** Starts {@code mcdrop args…}; stdout goes to {@code stdout}, stderr to {@code stderr}. */
    static Process start(File stdout, File stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dmcdrop.home=" + Path.of("").toAbsolutePath(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
    }
}
