package dev.mcdrop.data;

/**
 * Rotates an image about its centre with bilinear interpolation (zero outside), for the
 * rotated-digit experiment: how a model's uncertainty grows as an input leaves the data it knows.
 * Positive angles turn the image counter-clockwise as displayed (y down).
 */
public final class Rotation {
    private Rotation() {}

    /** Image {@code index} of {@code images} turned by {@code degrees}, as bytes in the same CHW layout. */
    public static byte[] rotate(LabeledImages images, int index, double degrees) {
        int c = images.channels(), h = images.height(), w = images.width();
        byte[] out = new byte[c * h * w];
        double a = Math.toRadians(degrees), cos = Math.cos(a), sin = Math.sin(a);
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    // where output pixel (y, x) comes from: the inverse rotation
                    double dx = x - cx, dy = y - cy;
                    double sx = cx + cos * dx - sin * dy, sy = cy + sin * dx + cos * dy;
                    out[(ch * h + y) * w + x] = (byte) Math.round(Math.min(255, bilinear(images, index, ch, sy, sx)));
                }
        return out;
    }

    private static double bilinear(LabeledImages images, int index, int ch, double y, double x) {
        int y0 = (int) Math.floor(y), x0 = (int) Math.floor(x);
        double fy = y - y0, fx = x - x0;
        return (1 - fy) * ((1 - fx) * at(images, index, ch, y0, x0) + fx * at(images, index, ch, y0, x0 + 1))
                + fy * ((1 - fx) * at(images, index, ch, y0 + 1, x0) + fx * at(images, index, ch, y0 + 1, x0 + 1));
    }

    private static int at(LabeledImages images, int index, int ch, int y, int x) {
        return y < 0 || x < 0 || y >= images.height() || x >= images.width() ? 0 : images.pixel(index, ch, y, x);
    }
}
