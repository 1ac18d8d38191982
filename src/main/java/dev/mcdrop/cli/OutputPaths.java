package dev.mcdrop.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output path before any work starts, so a run never computes for minutes and then
 * fails on where to put the result: the target must not be a directory and its directory must
 * exist. The messages name the option and the path the user gave (not a temporary file).
 */
final class OutputPaths {
    private OutputPaths() {}

    /** Throws with one line naming {@code option} unless {@code path} (may be null: no output) can be written. */
    static void check(String option, Path path) {
        if (path == null) return;
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + path + " is a directory; give a file name");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": directory " + dir + " does not exist");
        }
        if (dir != null && !Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": directory " + dir + " is not writable");
        }
    }
}
