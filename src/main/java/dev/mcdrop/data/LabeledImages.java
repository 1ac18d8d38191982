package dev.mcdrop.data;

import dev.mcdrop.model.Shape;
import dev.mcdrop.predict.ImageSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable set of N images of C×H×W unsigned bytes, with one label byte per image or no
 * labels at all, plus a description of where they came from (used in messages). Images read from
 * picture files also carry each one's file name ({@link #fileNames}), taken when the files were
 * listed and kept with the pixels through {@link #slice} and {@link #subset}, so a name can never
 * drift from its image (a directory listed a second time may have changed).
 *
 * <p>Pixels are stored image after image, each image channel-major ({@code [n][c][y][x]}), which is
 * how IDX and CIFAR files hold them. The engine wants {@code [c][n][y][x]} (CNHW, see
 * {@link dev.mcdrop.backend.Backend}); {@link #copyCnhw} does that transposition while scaling to
 * floats, one batch at a time, so the full data set never exists as floats.
 *
 * <p>{@link #slice} shares the underlying arrays (cheap); {@link #subset} copies.
 */
public final class LabeledImages implements ImageSource {
    private final String source;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;     // shared between slices, never exposed or written after construction
    private final int firstImage;    // index of image 0 of this view in pixels (and labels)
    private final byte[] labels;     // null when unlabeled
    private final String[] names;    // each image's file name, indexed like labels; null when not from picture files

    private LabeledImages(String source, int count, int channels, int height, int width,
                          byte[] pixels, int firstImage, byte[] labels, String[] names) {
        this.source = source;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.firstImage = firstImage;
        this.labels = labels;
        this.names = names;
    }

    /**
     * Copies {@code pixels} (N·C·H·W bytes, image after image, each {@code [c][y][x]}) and
     * {@code labels} (N bytes, or null for unlabeled images).
     */
    public LabeledImages(String source, int channels, int height, int width, byte[] pixels, byte[] labels) {
        this(source, checkedCount(source, channels, height, width, pixels, labels),
                channels, height, width, pixels.clone(), 0, labels == null ? null : labels.clone(), null);
    }

    /** Takes ownership of the arrays without copying; for the readers in this package. */
    static LabeledImages wrap(String source, int channels, int height, int width, byte[] pixels, byte[] labels) {
        return wrap(source, channels, height, width, pixels, labels, null);
    }

    /** {@link #wrap} with each image's file name ({@code names.length} = image count), or null. */
    static LabeledImages wrap(String source, int channels, int height, int width, byte[] pixels, byte[] labels,
                              String[] names) {
        int count = checkedCount(source, channels, height, width, pixels, labels);
        if (names != null && names.length != count) {
            throw new IllegalArgumentException(source + ": " + count + " images but " + names.length + " file names");
        }
        return new LabeledImages(source, count, channels, height, width, pixels, 0, labels, names);
    }

    private static int checkedCount(String source, int channels, int height, int width, byte[] pixels, byte[] labels) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pixels, "pixels");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(source + ": image shape must be positive, got "
                    + channels + "x" + height + "x" + width);
        }
        long imageSize = (long) channels * height * width;
        if (pixels.length % imageSize != 0) {
            throw new IllegalArgumentException(source + ": " + pixels.length + " pixel bytes is not a whole number of "
                    + channels + "x" + height + "x" + width + " images");
        }
        int count = (int) (pixels.length / imageSize);
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException(source + ": " + count + " images but " + labels.length + " labels");
        }
        return count;
    }

    /** Where these images came from, e.g. {@code data/mnist/t10k-images-idx3-ubyte [0, 1000)}. */
    public String source() { return source; }

    @Override
    public int count() { return count; }

    public int channels() { return channels; }

    public int height() { return height; }

    public int width() { return width; }

    /** C·H·W: bytes per image. */
    public int imageSize() { return channels * height * width; }

    @Override
    public Shape imageShape() { return new Shape(channels, height, width); }

    public boolean hasLabels() { return labels != null; }

    /** The label of image i, 0..255. */
    public int label(int i) {
        if (labels == null) {
            throw new IllegalStateException(source + " has no labels");
        }
        Objects.checkIndex(i, count);
        return labels[firstImage + i] & 0xFF;
    }

    /**
     * Refuses labels a model with {@code classes} outputs cannot score, before any work is done:
     * names {@code labelsName} (the label file, or whatever holds the labels), the first such
     * image and the network ({@code network}: its architecture's name). Does nothing for unlabeled images.
     */
    public void requireLabelsBelow(int classes, String labelsName, String network) {
        if (labels == null) return;
        for (int i = 0; i < count; i++) {
            int label = label(i);
            if (label >= classes) {
                throw new IllegalArgumentException(labelsName + ": image " + i + " has label " + label + ", but network '" + network
                        + "' has " + classes + " classes (0-" + (classes - 1) + "); are these the images this model was trained for?");
            }
        }
    }

    /** All labels as ints, or throws if unlabeled. */
    public int[] labels() {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /**
     * The file name of each image, in order ("x.png", or "7/x.png" for class folders), when the
     * images were read from picture files; null otherwise.
     */
    public List<String> fileNames() {
        return names == null ? null : List.of(names).subList(firstImage, firstImage + count);
    }

    /** One pixel, 0..255. */
    public int pixel(int image, int channel, int y, int x) {
        Objects.checkIndex(image, count);
        Objects.checkIndex(channel, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[(firstImage + image) * imageSize() + (channel * height + y) * width + x] & 0xFF;
    }

    /** A copy of image i's bytes, {@code [c][y][x]}. */
    public byte[] imageBytes(int i) {
        Objects.checkIndex(i, count);
        int size = imageSize();
        int start = (firstImage + i) * size;
        return Arrays.copyOfRange(pixels, start, start + size);
    }

    /** Images {@code [from, from + count)} as a view sharing this set's storage. */
    public LabeledImages slice(int from, int count) {
        Objects.checkFromIndexSize(from, count, this.count);
        return new LabeledImages(source + " [" + from + ", " + (from + count) + ")", count, channels, height, width,
                pixels, firstImage + from, labels, names);
    }

    /** A new set holding copies of the images at {@code indices}, in that order (repeats allowed). */
    public LabeledImages subset(int[] indices) {
        int size = imageSize();
        byte[] newPixels = new byte[Math.multiplyExact(indices.length, size)];
        byte[] newLabels = labels == null ? null : new byte[indices.length];
        String[] newNames = names == null ? null : new String[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], count);
            System.arraycopy(pixels, (firstImage + i) * size, newPixels, k * size, size);
            if (newLabels != null) {
                newLabels[k] = labels[firstImage + i];
            }
            if (newNames != null) {
                newNames[k] = names[firstImage + i];
            }
        }
        return new LabeledImages(source + " (subset of " + indices.length + ")", indices.length, channels, height,
                width, newPixels, 0, newLabels, newNames);
    }

    /**
     * Writes images {@code [from, from + count)} to {@code dst} in CNHW layout:
     * {@code dst[dstOffset + ((c·count + n)·H + y)·W + x] = pixel(from + n, c, y, x) · scale}.
     * A scale of 1/255f gives values in [0, 1].
     */
    @Override
    public void copyCnhw(int from, int count, float scale, float[] dst, int dstOffset) {
        Objects.checkFromIndexSize(from, count, this.count);
        int plane = height * width;
        long needed = (long) channels * count * plane;
        if (dstOffset < 0 || dstOffset + needed > dst.length) {
            throw new IndexOutOfBoundsException("copyCnhw of " + count + " images of " + channels + "x" + height + "x"
                    + width + " needs " + needed + " floats from offset " + dstOffset + ", but dst holds " + dst.length);
        }
        int size = imageSize();
        for (int n = 0; n < count; n++) {
            int srcImage = (firstImage + from + n) * size;
            for (int c = 0; c < channels; c++) {
                int src = srcImage + c * plane;
                int out = dstOffset + (c * count + n) * plane;
                for (int p = 0; p < plane; p++) {
                    dst[out + p] = (pixels[src + p] & 0xFF) * scale;
                }
            }
        }
    }

    /** Package-internal: the backing array and where this view starts in it, for writers. */
    byte[] backingPixels() { return pixels; }

    int backingFirstImage() { return firstImage; }

    @Override
    public String toString() {
        return source + ": " + count + " images of " + channels + "x" + height + "x" + width
                + (labels == null ? ", unlabeled" : ", labeled");
    }
}
