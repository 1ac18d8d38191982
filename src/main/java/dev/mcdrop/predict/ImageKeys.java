package dev.mcdrop.predict;

/**
 * The image keys of a batch under each {@link MaskKeying}: the 32-bit word that stands for an image
 * in its masks' Philox counter (docs/DESIGN.md "Mask keys" is the normative text; this is its code).
 *
 * <p>Content key of an image of n input values v₀ … vₙ₋₁ (the floats the network receives, after
 * the input scale, in [channel][row][column] order), with wⱼ = the IEEE-754 bits of vⱼ as an
 * unsigned 32-bit integer and all arithmetic modulo 2⁶⁴:
 * <pre>
 *   h = 0x6A09E667F3BCC909 XOR n
 *   for j = 0 … n−1:  h = fmix64(h XOR wⱼ) + 0x9E3779B97F4A7C15
 *   key = h mod 2³²
 * </pre>
 * where fmix64 is MurmurHash3's finaliser. Each step is a bijection of h, so two images that differ
 * in one value never share a 64-bit state; two distinct images share a 32-bit key with probability
 * 2⁻³² (they would then share masks; each result is still a function of its own pixels alone).
 */
public final class ImageKeys {
    private ImageKeys() {}

    static final long START = 0x6A09E667F3BCC909L, GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * {@code keys[i]} for images {@code i < images} of a batch held as {@code cnhw[C][images][plane]}
     * (the predictor's input layout), the batch's first image being image {@code firstImage} of the input.
     */
    public static void fill(MaskKeying keying, float[] cnhw, int channels, int images, int plane, long firstImage, int[] keys) {
        for (int i = 0; i < images; i++) {
            keys[i] = switch (keying) {
                case CONTENT -> contentKey(cnhw, channels, images, plane, i);
                case POSITION -> (int) (firstImage + i);
                case SHARED -> 0;
            };
        }
    }

    /** The content key of image {@code image} of {@code cnhw[C][images][plane]}. */
    public static int contentKey(float[] cnhw, int channels, int images, int plane, int image) {
        long h = START ^ ((long) channels * plane);
        for (int c = 0; c < channels; c++) {
            int at = (c * images + image) * plane;
            for (int i = 0; i < plane; i++) {
                h = fmix64(h ^ (Float.floatToRawIntBits(cnhw[at + i]) & 0xFFFFFFFFL)) + GOLDEN;
            }
        }
        return (int) h;
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
