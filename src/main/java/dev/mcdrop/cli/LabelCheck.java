package dev.mcdrop.cli;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Labels against the model's classes, checked before any work starts (predict, eval and the
 * experiments that score): a label the network has no output for is the data's mistake or the
 * wrong model, and the user hears which label file and image, and how many classes the model has,
 * instead of an index error after every prediction was printed.
 */
final class LabelCheck {
    private LabelCheck() {}

    /** {@code set}'s labels came with {@code input} (and {@code labels}, when given), as {@link Inputs#load} read them. */
    static void check(LabeledImages set, Path input, Path labels, Weights weights) {
        set.requireLabelsBelow(weights.network().classes(), labelsName(input, labels), weights.network().architecture().name());
    }

    static void check(LabeledImages set, Path input, Path labels, dev.mcdrop.graph.GraphModel model) {
        set.requireLabelsBelow(model.classes(), labelsName(input, labels), model.name());
    }

    /** Labels read by {@code Idx.read(images, labels)} from MNIST-style IDX files named like t10k-images-idx3-ubyte. */
    static void checkIdx(LabeledImages set, Weights weights) {
        check(set, Path.of(set.source()), null, weights);
    }

    /** The file the labels came from: --labels, the IDX label file beside the images, else the input itself. */
    static String labelsName(Path input, Path labels) {
        if (labels != null) return labels.toString();
        String name = input.getFileName() == null ? "" : input.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean idx = !Files.isDirectory(input) && !name.endsWith(".png") && !name.endsWith(".jpg") && !name.endsWith(".jpeg")
                && !name.endsWith(".bin");
        Path sibling = idx ? Inputs.siblingLabels(input) : null;
        return (sibling != null ? sibling : input).toString();
    }
}
