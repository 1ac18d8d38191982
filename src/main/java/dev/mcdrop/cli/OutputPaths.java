package dev.mcdrop.cli;

import dev.mcdrop.data.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Checks every output path before any work starts, so a run never computes for minutes and then
 * fails on where to put the result, and never writes over what it reads:
 * <ul>
 *   <li>a file output must not be a directory, and its directory must exist and be writable (an
 *       existing device or FIFO such as {@code /dev/stdout} only needs to be writable); a folder
 *       output ({@code experiment --out}) must be a folder or not exist yet — exit 1;</li>
 *   <li>an output must not be the same file as an input or as another output — the same file on
 *       disk, through links too, or a picture inside an input folder — exit 2, a usage error,
 *       with one line naming both options.</li>
 * </ul>
 * The messages name the option and the path the user gave (never a temporary file).
 */
final class OutputPaths {
    private OutputPaths() {}

    /** A file (or picture folder) a command reads or writes, with how the user gave it; a null path is skipped. */
    record Use(String option, Path path) {
        static Use of(String option, Path path) { return new Use(option, path); }
    }

    /** Throws with one line naming {@code option} unless {@code path} (may be null: no output) can be written. */
    static void check(String option, Path path) {
        if (path == null) return;
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + path + " is a directory; give a file name");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) { // a device or FIFO (/dev/stdout): written in place
            if (!Files.isWritable(path)) throw new IllegalArgumentException(option + " " + path + " is not writable");
            return;
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": " + dir + " is not a directory");
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": directory " + dir + " does not exist");
        }
        if (dir != null && !Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": directory " + dir + " is not writable");
        }
    }

    /**
     * {@link #check(String, Path)} for each output, then refuses (a usage error) any output that is
     * the same file as another output or as one of {@code inputs}.
     */
    static void check(CommandLine.Model.CommandSpec spec, List<Use> outputs, List<Use> inputs) {
        List<Use> given = outputs.stream().filter(u -> u.path() != null).toList();
        for (Use out : given) check(out.option(), out.path());
        for (int i = 0; i < given.size(); i++) {
            Use out = given.get(i);
            for (int j = i + 1; j < given.size(); j++) {
                if (same(out.path(), given.get(j).path())) throw conflict(spec, given.get(j), out);
            }
            for (Use in : inputs) {
                if (in.path() != null && (same(out.path(), in.path()) || pictureInFolder(out.path(), in.path()))) {
                    throw conflict(spec, out, in);
                }
            }
        }
    }

    /** Throws with one line naming {@code option} unless {@code dir} is a directory or can be made one. */
    static void checkDirectory(String option, Path dir) {
        if (dir == null) return;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + " is not a directory (it is a file); give a folder for the results");
        }
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IllegalArgumentException(option + " " + dir + ": " + existing + " is a file, so the folder cannot be made");
        }
        if (existing != null && !Files.isWritable(existing)) {
            throw new IllegalArgumentException(option + " " + dir + ": directory " + existing + " is not writable");
        }
    }

    private static CommandLine.ParameterException conflict(CommandLine.Model.CommandSpec spec, Use out, Use in) {
        String what = Files.isDirectory(in.path()) ? "a picture read from " + in.option() + " " + in.path()
                : in.option() + " " + in.path();
        return new CommandLine.ParameterException(Objects.requireNonNull(spec, "spec").commandLine(),
                out.option() + " " + out.path() + " is the same file as " + what + "; give the output another path");
    }

    /** Whether two paths name one file: the same file on disk when both exist, else the same place. */
    static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException e) {
            // unreadable: compare where they point
        }
        return place(a).equals(place(b));
    }

    /** Whether {@code out} is one of the pictures an input folder is read for (directly in it, or in a class folder). */
    private static boolean pictureInFolder(Path out, Path folder) {
        if (!Files.isDirectory(folder) || !Files.isRegularFile(out)) return false;
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (ImageFiles.EXTENSIONS.stream().noneMatch(name::endsWith)) return false;
        try {
            Path real = out.toRealPath(), dir = folder.toRealPath();
            return real.startsWith(dir) && dir.relativize(real).getNameCount() <= 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** The absolute path with its directory's links resolved where the directory exists. */
    private static Path place(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        try {
            return dir != null && Files.isDirectory(dir) ? dir.toRealPath().resolve(abs.getFileName()) : abs;
        } catch (IOException e) {
            return abs;
        }
    }

    /** Outputs and inputs as lists, skipping nulls. */
    static List<Use> uses(Use... uses) {
        List<Use> list = new ArrayList<>();
        for (Use u : uses) if (u != null && u.path() != null) list.add(u);
        return list;
    }
}
