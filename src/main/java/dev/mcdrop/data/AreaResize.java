package dev.mcdrop.data;

/**
 * Area-averaging resize of an sh×sw plane to th×tw, fed one source row at a time, so that the
 * memory it needs is the output (th·tw sums) and one row (tw sums), whatever the source's size.
 * Along one axis, in units of 1/(s·t), source pixel i covers [i·t, (i+1)·t) and target pixel j
 * covers [j·s, (j+1)·s); the weight is their overlap, so all arithmetic is exact integers (long:
 * a sum is at most 255·sw·sh) and the result is each target pixel's area mean rounded half up.
 * It gives the same bytes as resizing the whole plane at once.
 */
final class AreaResize {
    private final int sh, sw, th, tw;
    private final long[] sums;   // th×tw: weighted sums over the rows so far, not yet divided by sw·sh
    private final long[] row;    // tw: the current source row's horizontal sums, not yet divided by sw
    private int y;               // source rows added so far

    AreaResize(int sh, int sw, int th, int tw) {
        if (sh <= 0 || sw <= 0 || th <= 0 || tw <= 0 || (long) th * tw > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot resize " + sh + "x" + sw + " to " + th + "x" + tw);
        }
        this.sh = sh;
        this.sw = sw;
        this.th = th;
        this.tw = tw;
        this.sums = new long[th * tw];
        this.row = new long[tw];
    }

    /** Adds the next source row: {@code values[0 .. sw)}, each 0..255. */
    void addRow(int[] values) {
        if (y == sh) throw new IllegalStateException("all " + sh + " rows were already added");
        for (int j = 0; j < tw; j++) {
            long lo = (long) j * sw;
            long hi = lo + sw;
            long sum = 0;
            for (long i = lo / tw; i < sw && i * tw < hi; i++) {
                long weight = Math.min(hi, (i + 1) * tw) - Math.max(lo, i * tw);
                sum += weight * values[(int) i];
            }
            row[j] = sum;
        }
        long lo = (long) y * th;   // this source row covers [lo, hi) in the vertical units
        long hi = lo + th;
        for (long j = lo / sh; j < th && j * sh < hi; j++) {
            long weight = Math.min(hi, (j + 1) * sh) - Math.max(lo, j * sh);
            int base = (int) j * tw;
            for (int x = 0; x < tw; x++) sums[base + x] += weight * row[x];
        }
        y++;
    }

    /** The th×tw result, row-major; every source row must have been added. */
    byte[] result() {
        if (y != sh) throw new IllegalStateException(y + " of " + sh + " rows added");
        byte[] out = new byte[th * tw];
        long denominator = (long) sw * sh;
        for (int i = 0; i < out.length; i++) out[i] = (byte) ((sums[i] + denominator / 2) / denominator);
        return out;
    }
}
