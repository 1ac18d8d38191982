package dev.mcdrop.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Statistics and keying of the dropout mask definition. */
class DropoutMaskTest {

    @Test
    void keepRateWithinFourStandardErrors() {
        for (float p : new float[]{0.1f, 0.5f, 0.9f}) {
            int threshold = DropoutMask.dropThreshold(p);
            long n = 1_000_000, kept = 0;
            for (long e = 0; e < n; e++) if (DropoutMask.keep(7, e % 10, e / 10 % 100, 2, e, threshold)) kept++;
            double rate = kept / (double) n, q = 1 - p;
            double se = Math.sqrt(q * (1 - q) / n);
            assertTrue(Math.abs(rate - q) < 4 * se, "p=" + p + ": keep rate " + rate + " vs " + q + " (se " + se + ")");
        }
    }

    @Test
    void pZeroKeepsEverything() {
        int t = DropoutMask.dropThreshold(0f);
        assertEquals(0, t);
        for (long e = 0; e < 10000; e++) assertTrue(DropoutMask.keep(1, 2, 3, 4, e, t));
        assertEquals(1f, DropoutMask.keepScale(0f));
        assertEquals(2f, DropoutMask.keepScale(0.5f));
    }

    @Test
    void everyKeyFieldChangesTheMask() {
        int t = DropoutMask.dropThreshold(0.5f);
        String base = bits(42, 3, 5, 1, t);
        assertNotEquals(base, bits(43, 3, 5, 1, t), "seed");
        assertNotEquals(base, bits(42, 4, 5, 1, t), "sample");
        assertNotEquals(base, bits(42, 3, 6, 1, t), "image");
        assertNotEquals(base, bits(42, 3, 5, 2, t), "layer");
        assertNotEquals(base, bits(42L | (1L << 40), 3, 5, 1, t), "seed high word");
    }

    @Test
    void neighbouringElementsAreUncorrelated() {
        int t = DropoutMask.dropThreshold(0.5f);
        long n = 400_000, same = 0;
        for (long e = 0; e < n; e++) {
            if (DropoutMask.keep(9, 0, 0, 0, e, t) == DropoutMask.keep(9, 0, 0, 0, e + 1, t)) same++;
        }
        double rate = same / (double) n;
        assertTrue(Math.abs(rate - 0.5) < 4 * Math.sqrt(0.25 / n), "agreement of neighbours " + rate);
    }

    @Test
    void rejectsBadProbabilities() {
        assertThrows(IllegalArgumentException.class, () -> DropoutMask.dropThreshold(1f));
        assertThrows(IllegalArgumentException.class, () -> DropoutMask.dropThreshold(-0.1f));
        assertThrows(IllegalArgumentException.class, () -> DropoutMask.dropThreshold(Float.NaN));
    }

    private static String bits(long seed, long sample, long image, int layer, int t) {
        StringBuilder sb = new StringBuilder();
        for (long e = 0; e < 256; e++) sb.append(DropoutMask.keep(seed, sample, image, layer, e, t) ? '1' : '0');
        return sb.toString();
    }
}
