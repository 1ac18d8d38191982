package dev.mcdrop.cpu;

import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.rng.PhiloxBulk;

/**
 * Draws the dropout multipliers of one column's whole feature map (channels·plane elements, or
 * one per channel for per-channel masks), bit-identical to {@link MaskSpec#keep}:
 * {@code mult[e] = keep(e) ? 1/(1−p) : 0}, 32 elements per vector of Philox blocks
 * ({@link PhiloxBulk}).
 */
final class ColumnMask {
    private ColumnMask() {}

    /** mult[0 .. count) for the column's image; {@code group} is scratch of {@link PhiloxBulk#GROUP} floats. */
    static void fill(MaskSpec spec, int column, int count, float[] mult, float[] group) {
        fill(spec, column, count, mult, 0, group);
    }

    /** mult[offset .. offset + count), as {@link #fill(MaskSpec, int, int, float[], float[])}. */
    static void fill(MaskSpec spec, int column, int count, float[] mult, int offset, float[] group) {
        if (spec.threshold() == 0) { // p = 0: every word passes, nothing to draw
            java.util.Arrays.fill(mult, offset, offset + count, spec.scale());
            return;
        }
        long sample = spec.pairs().sampleOf(column);
        long image = spec.imageKey(column);
        PhiloxBulk.multipliers(spec.seed(), sample, image, spec.layer(), 0, count, spec.threshold(), spec.scale(),
                mult, offset, group);
    }
}
