package dev.mcdrop.cpu;

import dev.mcdrop.backend.Buffer;

/** Host memory of the CPU backend: a plain float[] the trainer may read and write directly. */
public final class CpuBuffer implements Buffer {
    private final float[] data;

    public CpuBuffer(long elements) {
        if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CPU buffer size out of range: " + elements);
        }
        data = new float[(int) elements];
    }

    /** The backing array (no copy). */
    public float[] array() { return data; }

    @Override public long size() { return data.length; }

    @Override public void close() {}
}
