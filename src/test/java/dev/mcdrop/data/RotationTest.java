package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rotation about the centre: exact for multiples of 90°, counter-clockwise as displayed, zero fill. */
class RotationTest {
    private static LabeledImages random(int h, int w, long seed) {
        byte[] px = new byte[h * w];
        new Random(seed).nextBytes(px);
        return new LabeledImages("random", 1, h, w, px, null);
    }

    @Test
    void zeroAndFullTurnsAreTheIdentity() {
        LabeledImages img = random(28, 28, 1);
        assertArrayEquals(img.imageBytes(0), Rotation.rotate(img, 0, 0));
        assertArrayEquals(img.imageBytes(0), Rotation.rotate(img, 0, 360));
    }

    @Test
    void quarterTurnsMovePixelsCounterClockwise() {
        LabeledImages img = random(6, 6, 2);
        byte[] r = Rotation.rotate(img, 0, 90);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 6; x++) {
                // counter-clockwise (y down): what was at (y, x) is now at (5 − x, y)
                assertEquals(img.pixel(0, 0, y, x), r[(5 - x) * 6 + y] & 0xFF, "pixel " + y + "," + x);
            }
        byte[] half = Rotation.rotate(img, 0, 180);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 6; x++) assertEquals(img.pixel(0, 0, y, x), half[(5 - y) * 6 + (5 - x)] & 0xFF);
    }

    @Test
    void cornersTurnedOutOfTheFrameBecomeBlack() {
        byte[] white = new byte[10 * 10];
        java.util.Arrays.fill(white, (byte) 255);
        byte[] r = Rotation.rotate(new LabeledImages("white", 1, 10, 10, white, null), 0, 45);
        assertEquals(0, r[0] & 0xFF, "corner");
        assertEquals(255, r[5 * 10 + 5] & 0xFF, "centre");
    }
}
