package dev.mcdrop.backend;

/**
 * How the columns of a chunk map to (sample, image) in the enlarged MC batch.
 *
 * <p>An MC run over B = {@code batchImages} images and T samples is one enlarged batch of T·B
 * "pairs" ordered sample-major: pair g = t·B + b is sample t of image {@code imageBase + b}. A
 * chunk holds pairs {@code firstPair .. firstPair + columns − 1}; column n is pair
 * {@code firstPair + n}.
 */
public record Pairs(long firstPair, int batchImages, long imageBase) {
    public Pairs {
        if (batchImages <= 0 || firstPair < 0 || imageBase < 0) {
            throw new IllegalArgumentException("invalid pair range: firstPair=" + firstPair
                    + " batchImages=" + batchImages + " imageBase=" + imageBase);
        }
    }

    /** Deterministic columns: one per image of the batch, sample 0. */
    public static Pairs images(int batchImages, long imageBase) {
        return new Pairs(0, batchImages, imageBase);
    }

    public long sampleOf(int column) { return (firstPair + column) / batchImages; }

    /** Index of the column's image within the batch (0 .. B−1). */
    public int batchIndexOf(int column) { return (int) ((firstPair + column) % batchImages); }

    /** Global image index of the column (the mask key). */
    public long imageOf(int column) { return imageBase + batchIndexOf(column); }
}
