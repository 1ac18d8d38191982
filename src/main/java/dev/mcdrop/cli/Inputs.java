package dev.mcdrop.cli;

import dev.mcdrop.data.Cifar10;
import dev.mcdrop.data.DataFormatException;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.ImageFiles;
import dev.mcdrop.data.ImageFolders;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.io.InputFiles;
import dev.mcdrop.model.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns a user's {@code --input} into images: an IDX image file (labels found beside it, or
 * given), a CIFAR-10 binary batch ({@code .bin}, labels inside), a PNG/JPEG file, a directory of
 * PNG/JPEG files, or a directory of class folders {@code 0/ 1/ …} holding PNG/JPEG files (labelled
 * by folder, see {@link ImageFolders}); pictures become gray for 1-channel networks, RGB for
 * 3-channel ones.
 */
final class Inputs {
    private Inputs() {}

    static LabeledImages load(Path input, Path labels, Shape expected) throws IOException {
        return load("--input", input, labels, expected);
    }

    /**
     * Loads {@code input} (given as {@code option}, named in refusals) for a network taking
     * {@code expected} images. Each path is checked before it is opened ({@link InputFiles}: a
     * regular file, or for the input a directory); an IDX or CIFAR-10 file's shape is checked
     * against {@code expected} from its header, before its body is read. Pictures carry their file
     * names ({@link LabeledImages#fileNames}), taken from the one listing of a directory.
     */
    static LabeledImages load(String option, Path input, Path labels, Shape expected) throws IOException {
        boolean directory = InputFiles.requireFileOrDirectory(input, option);
        if (labels != null) InputFiles.requireRegularFile(labels, "--labels");
        String name = input.getFileName() == null ? "" : input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (directory || name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            if (labels != null) {
                throw new IllegalArgumentException("--labels: only for IDX image files; " + input
                        + " is a picture or a directory (label pictures with class folders 0/ 1/ …)");
            }
            ImageFiles.Options options = new ImageFiles.Options(expected.channels(), expected.height(), expected.width(),
                    expected.channels() == 1);
            if (ImageFolders.isClassFolderLayout(input)) return ImageFolders.load(input, options);
            return directory ? ImageFiles.loadDirectory(input, options) : ImageFiles.load(List.of(input), options);
        }
        if (name.endsWith(".bin")) {
            if (labels != null) throw new IllegalArgumentException("--labels: a CIFAR-10 .bin file holds its own labels");
            Shape cifar = new Shape(Cifar10.CHANNELS, Cifar10.SIDE, Cifar10.SIDE);
            if (!cifar.equals(expected)) {
                throw new DataFormatException(input + ": a CIFAR-10 .bin file holds " + cifar + " images; the network takes "
                        + expected + " images (channels x height x width)");
            }
            return Cifar10.read(List.of(input));
        }
        if (labels != null && Files.isDirectory(labels)) {
            throw new IllegalArgumentException("--labels " + labels + " is a directory; give the IDX label file");
        }
        Path l = labels != null ? labels : siblingLabels(input);
        return Idx.read(input, l, Idx.DEFAULT_CLASS_COUNT, expected);
    }

    /** The files {@link #load} reads for {@code input} (as {@code option}) and {@code labels}, for {@link OutputPaths}. */
    static List<OutputPaths.Use> uses(String option, Path input, Path labels) {
        Path sibling = labels == null && Files.isRegularFile(input) ? siblingLabels(input) : null;
        return OutputPaths.uses(OutputPaths.Use.of(option, input), OutputPaths.Use.of("--labels", labels),
                OutputPaths.Use.of("the labels beside " + option, sibling));
    }

    /** "…t10k-images-idx3-ubyte(.gz)" → "…t10k-labels-idx1-ubyte(.gz)" if that file exists. */
    static Path siblingLabels(Path images) {
        String n = images.getFileName().toString();
        String guess = n.replace("images", "labels").replace("idx3", "idx1");
        if (guess.equals(n)) return null;
        Path p = images.resolveSibling(guess);
        return Files.isRegularFile(p) ? p : null;
    }
}
