package dev.mcdrop.cpu;

import dev.mcdrop.rng.Philox4x32;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lane-parallel Philox keep bits equal scalar Philox4x32.block, for keys and counters with the sign bit set. */
class PhiloxLanesTest {
    @Test
    void keepBitsMatchScalarBlocks() {
        Random r = new Random(3);
        int[] words = new int[4];
        for (int trial = 0; trial < 40; trial++) {
            int groups = 1 + r.nextInt(300);
            int c1 = r.nextInt(), c2 = r.nextInt(), c3 = r.nextInt(), k0 = r.nextInt(), k1 = r.nextInt();
            int threshold = trial % 4 == 0 ? 0x8000_0000 : r.nextInt();
            boolean[] keep = new boolean[4 * groups];
            int done = PhiloxLanes.keepBits(groups, c1, c2, c3, k0, k1, threshold, keep);
            assertEquals(groups - groups % (2 * PhiloxLanes.LANES), done);
            for (int g = 0; g < done; g++) {
                Philox4x32.block(g, c1, c2, c3, k0, k1, words);
                for (int w = 0; w < 4; w++) {
                    assertEquals(Integer.compareUnsigned(words[w], threshold) >= 0, keep[4 * g + w],
                            "group " + g + " word " + w);
                }
            }
        }
    }
}
