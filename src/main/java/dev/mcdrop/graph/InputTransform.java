package dev.mcdrop.graph;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model's image input receives, per channel c: {@code (pixel · scale − mean[c]) / std[c]},
 * pixel being the image file's value 0–255 (channels as the file has them, resized to the input's
 * H×W). A chain model has only its architecture's scale (mean 0, std 1); an ONNX model has
 * scale 1, mean 0, std 1 unless {@code --input-scale}, {@code --mean}, {@code --std} or its
 * metadata say otherwise. Applied on the host as a batch's pixels are copied, after the content
 * mask keys are taken (so keys stay a function of the pixels alone). {@link #describe()} is what
 * {@code info} prints.
 *
 * @param mean empty (all 0) or one value per input channel
 * @param std  empty (all 1) or one positive value per input channel
 */
public record InputTransform(float scale, float[] mean, float[] std) {
    public InputTransform {
        if (!(scale > 0) || !Float.isFinite(scale)) throw new IllegalArgumentException("input scale must be a positive number, not " + scale);
        mean = mean.clone();
        std = std.clone();
        for (float m : mean) if (!Float.isFinite(m)) throw new IllegalArgumentException("input mean must be finite: " + Arrays.toString(mean));
        for (float s : std) if (!(s > 0) || !Float.isFinite(s)) throw new IllegalArgumentException("input std must be positive: " + Arrays.toString(std));
    }

    /** Pixels × scale, nothing else (chain models). */
    public static InputTransform scale(float scale) { return new InputTransform(scale, new float[0], new float[0]); }

    /** Raw pixel values 0–255 (an ONNX model that says nothing). */
    public static final InputTransform RAW = scale(1f);

    @Override public float[] mean() { return mean.clone(); }

    @Override public float[] std() { return std.clone(); }

    /** Whether anything beyond the scale is applied. */
    public boolean normalizes() { return mean.length > 0 || std.length > 0; }

    /** Refuses per-channel values whose count is not the input's channel count. */
    public void requireChannels(int channels) {
        if ((mean.length != 0 && mean.length != channels) || (std.length != 0 && std.length != channels)) {
            throw new IllegalArgumentException("the input has " + channels + " channel" + (channels == 1 ? "" : "s") + " but mean has "
                    + mean.length + " and std " + std.length + " values (give one per channel)");
        }
    }

    /**
     * In place on {@code cnhw[channels][images][plane]} that already holds pixel · scale: subtracts
     * the mean and divides by the std, channel by channel, in float.
     */
    public void normalize(float[] cnhw, int channels, int images, int plane) {
        if (!normalizes()) return;
        int block = images * plane;
        for (int c = 0; c < channels; c++) {
            float m = mean.length == 0 ? 0f : mean[c], s = std.length == 0 ? 1f : std[c];
            for (int i = c * block, end = i + block; i < end; i++) cnhw[i] = (cnhw[i] - m) / s;
        }
    }

    /** {@code pixels 0–255 × 0.003921569, then (x − mean) / std with mean [0.485, …]}: one line for {@code info}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("pixels 0–255");
        if (scale != 1f) sb.append(" × ").append(format(scale));
        if (normalizes()) {
            sb.append(", then (x − mean) / std with mean ").append(mean.length == 0 ? "0" : list(mean))
                    .append(" and std ").append(std.length == 0 ? "1" : list(std));
        }
        return sb.toString();
    }

    private static String list(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(format(v[i]));
        return sb.append(']').toString();
    }

    private static String format(float v) { return String.format(Locale.ROOT, "%.7g", v).replaceAll("\\.?0+$", ""); }

    @Override public boolean equals(Object o) {
        return o instanceof InputTransform t && scale == t.scale && Arrays.equals(mean, t.mean) && Arrays.equals(std, t.std);
    }

    @Override public int hashCode() { return 31 * (31 * Float.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std); }

    @Override public String toString() { return describe(); }
}
