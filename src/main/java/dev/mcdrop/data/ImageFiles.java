package dev.mcdrop.data;

import dev.mcdrop.io.InputFiles;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
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
 *       the plain mean of each block), streamed row by row ({@link AreaResize}): beyond the decoded
 *       picture itself, memory is bounded by the output size and one source row.</li>
 *   <li>Inversion (grayscale only): MNIST digits are white on a black background, while a digit
 *       drawn or photographed on paper is dark on light. If the mean of the source image's
 *       outermost pixel ring is above 127 the image is inverted ({@code 255 − v}).
 *       {@link Options#autoInvert} false turns this off.</li>
 * </ol>
 * With three channels each of the sRGB planes R, G, B (transparency composited over white) is
 * resized the same way and stored CHW, as CIFAR-10's binary files are; nothing is inverted.
 * No centering or deskewing is done; the network sees the picture as framed.
 *
 * <p>Limits, checked from the file's header before decoding (a few hundred KB of PNG can declare a
 * canvas of gigabytes): at most {@link #MAX_SIDE} pixels a side and {@link #MAX_PIXELS} in all; a
 * progressive JPEG at most {@link #MAX_JPEG_SCANS} scans and {@link #MAX_JPEG_SCAN_PIXELS} pixels ×
 * scans (javax.imageio decodes the whole picture once per scan). Every error names the file.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Target channels (1 = gray, 3 = RGB), size, and whether to invert light-background gray images. */
    public record Options(int channels, int height, int width, boolean autoInvert) {
        public static final Options MNIST = new Options(28, 28, true);

        public Options {
            if (height <= 0 || width <= 0 || (long) height * width > Integer.MAX_VALUE / 8) {
                throw new IllegalArgumentException("target size must be positive and fit an array, got " + height + "x" + width);
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

    /** The pictures of {@link #list}, each image carrying its file name (the directory is listed once). */
    public static LabeledImages loadDirectory(Path dir, Options options) throws IOException {
        List<Path> files = list(dir);
        return load(files, files.stream().map(f -> f.getFileName().toString()).toList(), options, dir.toString());
    }

    /** Loads files as 28×28 grayscale, inverting light-background images. */
    public static LabeledImages load(List<Path> files) throws IOException {
        return load(files, Options.MNIST);
    }

    /** Loads {@code files} in order; each image carries its file's name. */
    public static LabeledImages load(List<Path> files, Options options) throws IOException {
        return load(files, files.stream().map(f -> f.getFileName().toString()).toList(), options,
                files.size() == 1 ? files.getFirst().toString() : files.size() + " image files");
    }

    /** Loads {@code files}, image i named {@code names.get(i)} (see {@link LabeledImages#fileNames}). */
    static LabeledImages load(List<Path> files, List<String> names, Options options, String source) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files given");
        }
        int size = options.channels() * options.height() * options.width();
        if ((long) files.size() * size > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(source + ": " + files.size() + " pictures of " + options.channels() + "x"
                    + options.height() + "x" + options.width() + " are too many for one array; give fewer at a time");
        }
        byte[] pixels = new byte[files.size() * size];
        for (int i = 0; i < files.size(); i++) {
            byte[] one = loadOne(files.get(i), options);
            System.arraycopy(one, 0, pixels, i * size, size);
        }
        return LabeledImages.wrap(source, options.channels(), options.height(), options.width(), pixels, null,
                names.toArray(String[]::new));
    }

    private static byte[] loadOne(Path file, Options options) throws IOException {
        try {
            InputFiles.requireRegularFile(file, null);
        } catch (NoSuchFileException e) {
            // listed a moment ago (or named by the user), gone now: say which one
            throw new NoSuchFileException(file.toString(), null, "image file not found (removed while being read?)");
        }
        BufferedImage image = decode(file);
        int h = image.getHeight();
        int w = image.getWidth();
        int[] argb = new int[w];
        if (options.channels() == 3) {
            AreaResize[] planes = new AreaResize[3];
            int[][] rows = new int[3][w];
            for (int c = 0; c < 3; c++) planes[c] = new AreaResize(h, w, options.height(), options.width());
            for (int y = 0; y < h; y++) {
                rgbRow(image, y, argb, rows);
                for (int c = 0; c < 3; c++) planes[c].addRow(rows[c]);
            }
            int plane = options.height() * options.width();
            byte[] out = new byte[3 * plane];
            for (int c = 0; c < 3; c++) System.arraycopy(planes[c].result(), 0, out, c * plane, plane);
            return out;
        }
        AreaResize resize = new AreaResize(h, w, options.height(), options.width());
        int[] gray = new int[w];
        long borderSum = 0;
        long borderCount = 0;
        for (int y = 0; y < h; y++) {
            grayRow(image, y, argb, gray);
            if (y == 0 || y == h - 1) {
                for (int x = 0; x < w; x++) borderSum += gray[x];
                borderCount += w;
            } else {
                borderSum += gray[0] + (w > 1 ? gray[w - 1] : 0);
                borderCount += w > 1 ? 2 : 1;
            }
            resize.addRow(gray);
        }
        byte[] out = resize.result();
        boolean invert = options.autoInvert() && (double) borderSum / borderCount > 127; // mean of the outermost ring
        if (invert) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (255 - (out[i] & 0xFF));
            }
        }
        return out;
    }

    /** Largest picture decoded (pixels): a small compressed file can claim a huge canvas. */
    public static final long MAX_PIXELS = 1L << 26;

    /** Longest side decoded (pixels), whatever the other side: a 1-pixel-wide strip is still a bomb. */
    public static final int MAX_SIDE = 1 << 16;

    /**
     * Pixels a picture may have per byte of its file, beyond {@link #ALWAYS_DECODED_PIXELS}: decoding
     * time grows with the pixels, so a tiny file claiming a big canvas (a 115-byte GIF of tens of
     * millions of pixels took 10-15 s) is refused. Honest files stay far below it: deflate expands
     * at most about 1,032:1 (8 pixels per byte for a 1-bit PNG: 8,256), GIF's LZW about 2,700:1,
     * baseline JPEG under 200 pixels per byte.
     */
    public static final long MAX_PIXELS_PER_FILE_BYTE = 16_384;

    /** Pictures of up to this many pixels (2048 x 2048) are decoded whatever their file size. */
    public static final long ALWAYS_DECODED_PIXELS = 1L << 22;

    /** Most scans in a progressive JPEG: the JDK's decoder makes a full pass over the picture per scan. */
    public static final int MAX_JPEG_SCANS = 64;

    /** Most scans × pixels in a progressive JPEG (16 passes over the largest picture), bounding its decoding time. */
    public static final long MAX_JPEG_SCAN_PIXELS = 16 * MAX_PIXELS;

    /**
     * Decodes {@code file}, reading its header first so that a huge canvas (or a progressive JPEG
     * of too many scans) is refused before anything is allocated or decoded.
     */
    private static BufferedImage decode(Path file) throws IOException {
        try (javax.imageio.stream.ImageInputStream stream = ImageIO.createImageInputStream(file.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                throw new DataFormatException(file + ": not an image format javax.imageio can read (PNG and JPEG are supported)");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
                    throw new DataFormatException(String.format(Locale.ROOT,
                            "%s: header says %d x %d pixels; mcdrop decodes pictures of up to %,d pixels a side and %,d"
                                    + " in all", file, w, h, MAX_SIDE, MAX_PIXELS));
                }
                long fileBytes = java.nio.file.Files.size(file);
                if (w * h > Math.max(ALWAYS_DECODED_PIXELS, MAX_PIXELS_PER_FILE_BYTE * fileBytes)) {
                    throw new DataFormatException(String.format(Locale.ROOT,
                            "%s: header says %d x %d pixels in a file of %,d bytes; mcdrop decodes at most %,d pixels per"
                                    + " byte of file beyond %,d pixels (a decompression bomb otherwise takes seconds to minutes)",
                            file, w, h, fileBytes, MAX_PIXELS_PER_FILE_BYTE, ALWAYS_DECODED_PIXELS));
                }
                if (reader.getFormatName().equalsIgnoreCase("jpeg")) {
                    int scans = JpegScans.count(file, MAX_JPEG_SCANS);
                    if (scans > MAX_JPEG_SCANS || scans * w * h > MAX_JPEG_SCAN_PIXELS) {
                        throw new DataFormatException(String.format(Locale.ROOT,
                                "%s: progressive JPEG of %,d x %,d pixels in %s scans; mcdrop decodes at most %d scans and"
                                        + " %,d pixels x scans (each scan is a pass over the whole picture)", file, w, h,
                                scans > MAX_JPEG_SCANS ? "more than " + MAX_JPEG_SCANS : Integer.toString(scans),
                                MAX_JPEG_SCANS, MAX_JPEG_SCAN_PIXELS));
                    }
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

    /** Row {@code y} as 8-bit luma (see the class comment); {@code argb} is scratch of the image's width. */
    private static void grayRow(BufferedImage image, int y, int[] argb, int[] out) {
        int w = image.getWidth();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() == cm.getNumComponents() && raster.getNumBands() <= 2) {
            // Read gray samples directly: getRGB would treat Java's gray space as linear and re-gamma it.
            int grayMax = (1 << cm.getComponentSize(0)) - 1;
            boolean alpha = cm.hasAlpha() && raster.getNumBands() == 2;
            int alphaMax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 1;
            raster.getSamples(0, y, w, 1, 0, out);
            if (alpha) raster.getSamples(0, y, w, 1, 1, argb);
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(out[x] * 255.0 / grayMax);
                if (alpha) {
                    double a = argb[x] / (double) alphaMax;
                    v = (int) Math.round(v * a + 255 * (1 - a));
                }
                out[x] = v;
            }
            return;
        }
        image.getRGB(0, y, w, 1, argb, 0, w);
        for (int x = 0; x < w; x++) {
            double a = (argb[x] >>> 24) / 255.0;
            double luma = 0.299 * ((argb[x] >> 16) & 0xFF) + 0.587 * ((argb[x] >> 8) & 0xFF) + 0.114 * (argb[x] & 0xFF);
            out[x] = (int) Math.min(255, Math.round(luma * a + 255 * (1 - a)));
        }
    }

    /** Row {@code y} as sRGB R, G, B, transparency composited over white. */
    private static void rgbRow(BufferedImage image, int y, int[] argb, int[][] out) {
        int w = image.getWidth();
        image.getRGB(0, y, w, 1, argb, 0, w);
        for (int x = 0; x < w; x++) {
            double a = (argb[x] >>> 24) / 255.0;
            for (int c = 0; c < 3; c++) {
                int v = (argb[x] >> (16 - 8 * c)) & 0xFF;
                out[c][x] = (int) Math.min(255, Math.round(v * a + 255 * (1 - a)));
            }
        }
    }

    /** Area-averaging resize of a whole row-major sh×sw gray image to th×tw (see {@link AreaResize}). */
    static byte[] resizeArea(byte[] src, int sh, int sw, int th, int tw) {
        AreaResize r = new AreaResize(sh, sw, th, tw);
        int[] row = new int[sw];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) row[x] = src[y * sw + x] & 0xFF;
            r.addRow(row);
        }
        return r.result();
    }

    static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
