package dev.mcdrop.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Turns ordinary picture files (PNG, JPEG, anything javax.imageio reads) into network inputs for
 * the predict command: one grayscale channel (MNIST-like, 28×28 by default) or three RGB channels
 * (CIFAR-like, for 3-channel networks), resized to a fixed size, no labels.
 *
 * <ol>
 *   <li>Grayscale: 8-bit gray files are used as stored; color files get ITU-R BT.601 luma
 *       {@code 0.299 R + 0.587 G + 0.114 B} of their sRGB values. Transparent pixels are
 *       composited over white, as a viewer would show them.</li>
 *   <li>Resize by area averaging: each output pixel is the mean of the source area it covers, with
 *       fractional coverage at the edges (exact integer arithmetic; an integer-factor downscale is
 *       the plain mean of each block).</li>
 *   <li>Inversion (grayscale only): MNIST digits are white on a black background, while a digit
 *       drawn or photographed on paper is dark on light. If the mean of the source image's
 *       outermost pixel ring is above 127 the image is inverted ({@code 255 − v}).
 *       {@link Options#autoInvert} false turns this off.</li>
 * </ol>
 * With three channels each of the sRGB planes R, G, B (transparency composited over white) is
 * resized the same way and stored CHW, as CIFAR-10's binary files are; nothing is inverted.
 * No centering or deskewing is done; the network sees the picture as framed.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Target channels (1 = gray, 3 = RGB), size, and whether to invert light-background gray images. */
    public record Options(int channels, int height, int width, boolean autoInvert) {
        public static final Options MNIST = new Options(28, 28, true);

        public Options {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("target size must be positive, got " + height + "x" + width);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("picture files become 1-channel (gray) or 3-channel (RGB) inputs, not "
                        + channels + "-channel ones");
            }
        }

        /** One gray channel. */
        public Options(int height, int width, boolean autoInvert) { this(1, height, width, autoInvert); }
    }

    /** File name endings {@link #list} picks up (case-insensitive). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    /** The .png/.jpg/.jpeg files directly in {@code dir}, sorted by name: the order {@link #loadDirectory} uses. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory of images");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(Files::isRegularFile).filter(ImageFiles::hasImageExtension).sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "holds no " + String.join("/", EXTENSIONS) + " files");
        }
        return files;
    }

    public static LabeledImages loadDirectory(Path dir) throws IOException {
        return loadDirectory(dir, Options.MNIST);
    }

    public static LabeledImages loadDirectory(Path dir, Options options) throws IOException {
        List<Path> files = list(dir);
        return load(files, options, dir.toString());
    }

    /** Loads files as 28×28 grayscale, inverting light-background images. */
    public static LabeledImages load(List<Path> files) throws IOException {
        return load(files, Options.MNIST);
    }

    public static LabeledImages load(List<Path> files, Options options) throws IOException {
        return load(files, options, files.size() == 1 ? files.getFirst().toString() : files.size() + " image files");
    }

    private static LabeledImages load(List<Path> files, Options options, String source) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files given");
        }
        int size = options.channels() * options.height() * options.width();
        byte[] pixels = new byte[Math.multiplyExact(files.size(), size)];
        for (int i = 0; i < files.size(); i++) {
            byte[] one = loadOne(files.get(i), options);
            System.arraycopy(one, 0, pixels, i * size, size);
        }
        return LabeledImages.wrap(source, options.channels(), options.height(), options.width(), pixels, null);
    }

    private static byte[] loadOne(Path file, Options options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        BufferedImage image = decode(file);
        int h = image.getHeight();
        int w = image.getWidth();
        if (options.channels() == 3) {
            int plane = options.height() * options.width();
            byte[] out = new byte[3 * plane];
            byte[][] rgb = toRgbPlanes(image);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(resizeArea(rgb[c], h, w, options.height(), options.width()), 0, out, c * plane, plane);
            }
            return out;
        }
        byte[] gray = toGray(image);
        boolean invert = options.autoInvert() && borderMean(gray, h, w) > 127;
        byte[] out = resizeArea(gray, h, w, options.height(), options.width());
        if (invert) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (255 - (out[i] & 0xFF));
            }
        }
        return out;
    }

    /** Largest picture decoded (pixels): a small compressed file can claim a huge canvas. */
    public static final long MAX_PIXELS = 1L << 26;

    /** Decodes {@code file}, reading its header first so that a huge canvas is refused before it is allocated. */
    private static BufferedImage decode(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             javax.imageio.stream.ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            java.util.Iterator<javax.imageio.ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                throw new DataFormatException(file + ": not an image format javax.imageio can read (PNG and JPEG are supported)");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                    throw new DataFormatException(String.format(Locale.ROOT,
                            "%s: header says %d x %d pixels; mcdrop decodes pictures of up to %,d pixels", file, w, h, MAX_PIXELS));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new DataFormatException(file + ": cannot decode image: " + (e.getMessage() == null ? e : e.getMessage()), e);
        }
    }

    /** Row-major 8-bit luma of an image; see the class comment. */
    static byte[] toGray(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        byte[] out = new byte[h * w];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() == cm.getNumComponents() && raster.getNumBands() <= 2) {
            // Read gray samples directly: getRGB would treat Java's gray space as linear and re-gamma it.
            int grayMax = (1 << cm.getComponentSize(0)) - 1;
            boolean alpha = cm.hasAlpha() && raster.getNumBands() == 2;
            int alphaMax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = (int) Math.round(raster.getSample(x, y, 0) * 255.0 / grayMax);
                    if (alpha) {
                        double a = raster.getSample(x, y, 1) / (double) alphaMax;
                        v = (int) Math.round(v * a + 255 * (1 - a));
                    }
                    out[y * w + x] = (byte) v;
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double a = (argb >>> 24) / 255.0;
                double luma = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                out[y * w + x] = (byte) Math.min(255, Math.round(luma * a + 255 * (1 - a)));
            }
        }
        return out;
    }

    /** The sRGB planes R, G, B of an image (row-major), transparency composited over white. */
    static byte[][] toRgbPlanes(BufferedImage image) {
        int h = image.getHeight(), w = image.getWidth();
        byte[][] out = new byte[3][h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double a = (argb >>> 24) / 255.0;
                for (int c = 0; c < 3; c++) {
                    int v = (argb >> (16 - 8 * c)) & 0xFF;
                    out[c][y * w + x] = (byte) Math.min(255, Math.round(v * a + 255 * (1 - a)));
                }
            }
        }
        return out;
    }

    /** Mean of the outermost ring of pixels of a row-major h×w gray image. */
    static double borderMean(byte[] gray, int h, int w) {
        long sum = 0;
        long n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                    sum += gray[y * w + x] & 0xFF;
                    n++;
                }
            }
        }
        return (double) sum / n;
    }

    /**
     * Area-averaging resize of a row-major sh×sw gray image to th×tw. Along one axis, measured in
     * units of 1/(s·t), source pixel i covers [i·t, (i+1)·t) and target pixel j covers
     * [j·s, (j+1)·s); the weight is their overlap, so all arithmetic is exact integers.
     */
    static byte[] resizeArea(byte[] src, int sh, int sw, int th, int tw) {
        long[] rows = new long[sh * tw];            // horizontal pass: weighted sums, not yet divided by sw
        for (int y = 0; y < sh; y++) {
            for (int j = 0; j < tw; j++) {
                long lo = (long) j * sw;
                long hi = lo + sw;
                long sum = 0;
                for (int i = (int) (lo / tw); i < sw && (long) i * tw < hi; i++) {
                    long weight = Math.min(hi, (long) (i + 1) * tw) - Math.max(lo, (long) i * tw);
                    sum += weight * (src[y * sw + i] & 0xFF);
                }
                rows[y * tw + j] = sum;
            }
        }
        byte[] out = new byte[th * tw];
        long denominator = (long) sw * sh;
        for (int j = 0; j < th; j++) {
            long lo = (long) j * sh;
            long hi = lo + sh;
            for (int x = 0; x < tw; x++) {
                long sum = 0;
                for (int i = (int) (lo / th); i < sh && (long) i * th < hi; i++) {
                    long weight = Math.min(hi, (long) (i + 1) * th) - Math.max(lo, (long) i * th);
                    sum += weight * rows[i * tw + x];
                }
                out[j * tw + x] = (byte) ((sum + denominator / 2) / denominator);
            }
        }
        return out;
    }

    static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
