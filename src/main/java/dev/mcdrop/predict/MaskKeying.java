package dev.mcdrop.predict;

import java.util.Locale;

/**
 * What stands for an image in its dropout masks' Philox counter (the "image key", see
 * docs/DESIGN.md "Mask keys"):
 * <ul>
 *   <li>{@link #CONTENT} (the default): a hash of the image's pixels as the network receives them
 *       ({@link ImageKeys#contentKey}), so an image's result is a pure function of (model, pixels,
 *       seed, T), whatever else is in the batch and wherever it sits;</li>
 *   <li>{@link #POSITION}: the image's index in the input (0, 1, 2, …), mcdrop's keying before
 *       content keys, which reproduces results recorded with it;</li>
 *   <li>{@link #SHARED}: 0 for every image, so every image of sample t gets the same masks —
 *       consistent masks across a pool, as BatchBALD-style active learning needs.</li>
 * </ul>
 */
public enum MaskKeying {
    CONTENT, POSITION, SHARED;

    /** The CLI's spelling: "content", "position", "shared". */
    public String option() { return name().toLowerCase(Locale.ROOT); }

    /** Parses the CLI's spelling, case-insensitively. */
    public static MaskKeying parse(String text) {
        for (MaskKeying k : values()) if (k.option().equalsIgnoreCase(text.strip())) return k;
        throw new IllegalArgumentException("unknown mask key '" + text + "' (content, position, shared)");
    }
}
