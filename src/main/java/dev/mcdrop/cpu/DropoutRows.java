package dev.mcdrop.cpu;

import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.rng.Philox4x32;

import java.util.Arrays;

/**
 * Fills the keep bits of one (channel, column) row of a dropout mask, bit-identical to
 * {@link MaskSpec#keep}: one Philox4x32 block per group of 4 consecutive elements (counter word 0
 * = element/4, output word = element%4) instead of one block per element. The row covers elements
 * c·plane .. c·plane+plane−1, so its first and last groups may straddle a neighbouring channel;
 * only the words inside the row are used. Per-channel masks use element = channel for the whole row.
 */
final class DropoutRows {
    private DropoutRows() {}

    /** keep[0..plane) = mask bit of element channel·plane + i for the given column. */
    static void fill(MaskSpec spec, int column, int channel, int plane, boolean[] keep, int[] words) {
        int threshold = spec.threshold();
        if (threshold == 0) { // p = 0: every unsigned word passes
            Arrays.fill(keep, 0, plane, true);
            return;
        }
        int sample = (int) spec.pairs().sampleOf(column);
        int image = (int) spec.pairs().imageOf(column);
        int k0 = (int) spec.seed(), k1 = (int) (spec.seed() >>> 32);
        if (spec.perChannel()) {
            int word = Philox4x32.word(channel >>> 2, image, sample, spec.layer(), k0, k1, channel & 3);
            Arrays.fill(keep, 0, plane, Integer.compareUnsigned(word, threshold) >= 0);
            return;
        }
        long first = (long) channel * plane, end = first + plane;
        for (long group = first >>> 2, lastGroup = (end - 1) >>> 2; group <= lastGroup; group++) {
            Philox4x32.block((int) group, image, sample, spec.layer(), k0, k1, words);
            long base = group << 2;
            int w0 = (int) Math.max(0, first - base), w1 = (int) Math.min(4, end - base);
            for (int w = w0; w < w1; w++) {
                keep[(int) (base + w - first)] = Integer.compareUnsigned(words[w], threshold) >= 0;
            }
        }
    }
}
