package dev.mcdrop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Storage, views and, above all, the CNHW layout that copyCnhw hands to the engine. */
class LabeledImagesTest {

    /** 4 images of 3×2×3 whose pixel (n, c, y, x) holds {@link #value}, distinct for every position. */
    private static LabeledImages encoded() {
        int n = 4, c = 3, h = 2, w = 3;
        byte[] pixels = new byte[n * c * h * w];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        pixels[((i * c + ch) * h + y) * w + x] = (byte) value(i, ch, y, x);
        return new LabeledImages("encoded", c, h, w, pixels, new byte[] {3, 1, 4, 1});
    }

    private static int value(int n, int c, int y, int x) {
        return n * 60 + c * 20 + y * 3 + x;   // max 3·60 + 2·20 + 1·3 + 2 = 225
    }

    @Test
    void copyCnhwWithThreeChannelsPutsChannelOutermostThenImage() {
        LabeledImages set = encoded();
        int from = 1, count = 2;
        float[] dst = new float[5 + 3 * count * 2 * 3 + 2];
        set.copyCnhw(from, count, 0.5f, dst, 5);
        for (int c = 0; c < 3; c++)
            for (int n = 0; n < count; n++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 3; x++)
                        assertEquals(value(from + n, c, y, x) * 0.5f, dst[5 + ((c * count + n) * 2 + y) * 3 + x],
                                "dst[c=" + c + "][n=" + n + "][y=" + y + "][x=" + x + "]");
        assertEquals(0f, dst[4]);
        assertEquals(0f, dst[dst.length - 1]);
    }

    @Test
    void copyCnhwRejectsTooSmallDestinationWithAMessage() {
        LabeledImages set = encoded();
        var e = assertThrows(IndexOutOfBoundsException.class, () -> set.copyCnhw(0, 4, 1f, new float[71], 0));
        assertTrue(e.getMessage().contains("needs 72 floats"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> set.copyCnhw(3, 2, 1f, new float[100], 0));
    }

    @Test
    void accessorsAndLabels() {
        LabeledImages set = encoded();
        assertEquals(4, set.count());
        assertEquals(3, set.channels());
        assertEquals(2, set.height());
        assertEquals(3, set.width());
        assertEquals(18, set.imageSize());
        assertTrue(set.hasLabels());
        assertArrayEquals(new int[] {3, 1, 4, 1}, set.labels());
        assertEquals(value(2, 1, 1, 2), set.pixel(2, 1, 1, 2));
    }

    @Test
    void unsignedBytesStayUnsigned() {
        LabeledImages set = new LabeledImages("bytes", 1, 1, 2, new byte[] {(byte) 255, (byte) 128}, new byte[] {(byte) 200});
        float[] dst = new float[2];
        set.copyCnhw(0, 1, 1f, dst, 0);
        assertArrayEquals(new float[] {255f, 128f}, dst);
        assertEquals(200, set.label(0));
    }

    @Test
    void sliceIsAViewWithShiftedIndices() {
        LabeledImages slice = encoded().slice(1, 2);
        assertEquals(2, slice.count());
        assertEquals(1, slice.label(0));
        assertEquals(4, slice.label(1));
        assertEquals(value(2, 2, 0, 1), slice.pixel(1, 2, 0, 1));
        float[] dst = new float[18];
        slice.slice(1, 1).copyCnhw(0, 1, 1f, dst, 0);
        assertEquals(value(2, 0, 0, 0), dst[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> slice.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> encoded().slice(3, 2));
    }

    @Test
    void subsetCopiesInGivenOrder() {
        LabeledImages sub = encoded().subset(new int[] {3, 0, 3});
        assertEquals(3, sub.count());
        assertArrayEquals(new int[] {1, 3, 1}, sub.labels());
        assertEquals(value(3, 1, 1, 1), sub.pixel(0, 1, 1, 1));
        assertEquals(value(0, 1, 1, 1), sub.pixel(1, 1, 1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> encoded().subset(new int[] {4}));
    }

    @Test
    void constructorCopiesAndValidates() {
        byte[] pixels = new byte[4];
        LabeledImages set = new LabeledImages("s", 1, 2, 2, pixels, null);
        pixels[0] = 9;
        assertEquals(0, set.pixel(0, 0, 0, 0), "constructor must copy");
        assertFalse(set.hasLabels());
        assertThrows(IllegalStateException.class, () -> set.label(0));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages("s", 1, 2, 2, new byte[5], null));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages("s", 1, 2, 2, new byte[8], new byte[1]));
    }
}
