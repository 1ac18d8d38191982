package dev.mcdrop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Labelled picture files in the "class folder" layout (torchvision's ImageFolder with numeric
 * names): a directory with one subdirectory per class, named by the class's index as a decimal
 * number ({@code 0/}, {@code 1/}, …, {@code 9/} for MNIST), each holding that class's PNG/JPEG
 * files. A class index names an output of the network, so names must be numbers (0–255, no
 * leading zeros); a subdirectory named otherwise is refused rather than guessed at. Hidden
 * entries (names starting with ".") and files that are not pictures are skipped, as
 * {@link ImageFiles#list} skips them. Images are ordered by class index, then by file name, and
 * converted exactly as {@link ImageFiles} converts unlabelled ones.
 */
public final class ImageFolders {
    private ImageFolders() {}

    /** A picture and the class index of its folder. */
    public record LabeledFile(Path file, int label) {}

    /**
     * True when {@code dir} is a directory holding no picture file directly but at least one
     * non-hidden subdirectory: the class-folder layout (a directory with pictures in it is a flat,
     * unlabelled set, as before).
     */
    public static boolean isClassFolderLayout(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        boolean subdirectory = false;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (hidden(p)) continue;
                if (Files.isRegularFile(p) && ImageFiles.hasImageExtension(p)) return false;
                if (Files.isDirectory(p)) subdirectory = true;
            }
        }
        return subdirectory;
    }

    /** Every picture of the class folders of {@code dir}, by class index then file name. */
    public static List<LabeledFile> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "not a directory of class folders");
        TreeMap<Integer, Path> classes = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (hidden(p) || !Files.isDirectory(p)) continue;
                String name = p.getFileName().toString();
                if (!name.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(name) > 255) {
                    throw new DataFormatException(dir + ": subdirectory '" + name + "' is not a class index; labelled pictures go in"
                            + " subdirectories named by class index 0, 1, 2, … (0-255, no leading zeros)");
                }
                classes.put(Integer.parseInt(name), p);
            }
        }
        List<LabeledFile> files = new ArrayList<>();
        for (var c : classes.entrySet()) {
            try (Stream<Path> entries = Files.list(c.getValue())) {
                entries.filter(p -> !hidden(p) && Files.isRegularFile(p) && ImageFiles.hasImageExtension(p)).sorted()
                        .forEach(p -> files.add(new LabeledFile(p, c.getKey())));
            }
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null,
                    "its class folders hold no " + String.join("/", ImageFiles.EXTENSIONS) + " files");
        }
        return files;
    }

    /**
     * Loads the class folders of {@code dir} as labelled images (labels = folder names), each
     * image carrying its name relative to {@code dir} ("7/four.png"); the folders are listed once.
     */
    public static LabeledImages load(Path dir, ImageFiles.Options options) throws IOException {
        List<LabeledFile> files = list(dir);
        LabeledImages pictures = ImageFiles.load(files.stream().map(LabeledFile::file).toList(),
                files.stream().map(f -> dir.relativize(f.file()).toString()).toList(), options, dir + " (class folders)");
        byte[] labels = new byte[files.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) files.get(i).label();
        return LabeledImages.wrap(pictures.source(), pictures.channels(), pictures.height(), pictures.width(),
                pictures.backingPixels(), labels, pictures.fileNames().toArray(String[]::new));
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
