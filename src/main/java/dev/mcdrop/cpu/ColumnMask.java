package dev.mcdrop.cpu;

import dev.mcdrop.backend.MaskSpec;
import dev.mcdrop.rng.Philox4x32;

import java.util.Arrays;

/**
 * Fills the keep bits of one column's whole feature map (all channels × plane elements, or all
 * channels for per-channel masks), bit-identical to {@link MaskSpec#keep}: one Philox4x32 block
 * per group of 4 consecutive elements (counter word 0 = element/4, output word = element%4)
 * instead of one block per element, several groups at a time in vector lanes ({@link PhiloxLanes}),
 * the last few with scalar blocks. Doing a whole image at once means a 4-group that straddles
 * two channels (plane % 4 != 0) is still computed only once.
 */
final class ColumnMask {
    private ColumnMask() {}

    /**
     * keep[e] for e in [0, count) = mask bit of element e of the column's image, count being
     * channels·plane, or channels when the mask is per channel (then keep[c] is channel c's bit).
     */
    static void fill(MaskSpec spec, int column, int count, boolean[] keep, int[] words) {
        int threshold = spec.threshold();
        if (threshold == 0) { // p = 0: every unsigned word passes
            Arrays.fill(keep, 0, count, true);
            return;
        }
        long pair = spec.pairs().firstPair() + column;
        int images = spec.pairs().batchImages();
        int sample = (int) (pair / images);
        int image = (int) (spec.pairs().imageBase() + pair % images);
        int k0 = (int) spec.seed(), k1 = (int) (spec.seed() >>> 32), layer = spec.layer();
        int groups = count >>> 2;
        for (int group = PhiloxLanes.keepBits(groups, image, sample, layer, k0, k1, threshold, keep);
             group < groups; group++) {
            Philox4x32.block(group, image, sample, layer, k0, k1, words);
            int e = group << 2;
            keep[e] = Integer.compareUnsigned(words[0], threshold) >= 0;
            keep[e + 1] = Integer.compareUnsigned(words[1], threshold) >= 0;
            keep[e + 2] = Integer.compareUnsigned(words[2], threshold) >= 0;
            keep[e + 3] = Integer.compareUnsigned(words[3], threshold) >= 0;
        }
        if ((count & 3) != 0) {
            Philox4x32.block(groups, image, sample, layer, k0, k1, words);
            for (int e = groups << 2, w = 0; e < count; e++, w++) {
                keep[e] = Integer.compareUnsigned(words[w], threshold) >= 0;
            }
        }
    }
}
