package dev.mcdrop.backend;

/**
 * A mask-key table in host memory (one 32-bit key per image of a batch, see
 * {@link MaskSpec#imageKeys()}), for the backends that compute on the host: what their
 * {@link Backend#allocateKeys} returns.
 */
public final class HostKeys implements Buffer {
    private final int[] keys;

    public HostKeys(int images) {
        if (images < 0) throw new IllegalArgumentException("negative key count " + images);
        keys = new int[images];
    }

    /** A table holding {@code values}, copied. */
    public static HostKeys of(int... values) {
        HostKeys k = new HostKeys(values.length);
        System.arraycopy(values, 0, k.keys, 0, values.length);
        return k;
    }

    /** The key of image {@code b} of the batch. */
    public int key(int b) { return keys[b]; }

    /** keys[0 .. count) = src[0 .. count). */
    public void set(int[] src, int count) {
        java.util.Objects.checkFromIndexSize(0, count, keys.length);
        System.arraycopy(src, 0, keys, 0, count);
    }

    @Override public long size() { return keys.length; }

    @Override public void close() {}
}
