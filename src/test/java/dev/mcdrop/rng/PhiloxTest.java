package dev.mcdrop.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Philox4x32-10 against Random123's published known-answer vectors (kat_vectors). */
class PhiloxTest {
    private static int[] run(long... in) {
        int[] out = new int[4];
        Philox4x32.block((int) in[0], (int) in[1], (int) in[2], (int) in[3], (int) in[4], (int) in[5], out);
        return out;
    }

    private static int[] words(long... w) {
        int[] r = new int[w.length];
        for (int i = 0; i < w.length; i++) r[i] = (int) w[i];
        return r;
    }

    @Test
    void zeroCounterZeroKey() {
        assertArrayEquals(words(0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L), run(0, 0, 0, 0, 0, 0));
    }

    @Test
    void allOnes() {
        long f = 0xffffffffL;
        assertArrayEquals(words(0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL), run(f, f, f, f, f, f));
    }

    @Test
    void piDigits() {
        assertArrayEquals(words(0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L),
                run(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L, 0xa4093822L, 0x299f31d0L));
    }

    @Test
    void wordAgreesWithBlock() {
        int[] block = new int[4];
        for (int c = 0; c < 50; c++) {
            Philox4x32.block(c, c * 7, c * 13, 3, 0x1234, 0x5678, block);
            for (int i = 0; i < 4; i++) assertEquals(block[i], Philox4x32.word(c, c * 7, c * 13, 3, 0x1234, 0x5678, i));
        }
    }
}
