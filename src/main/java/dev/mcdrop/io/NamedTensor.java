package dev.mcdrop.io;

import java.util.Arrays;

/**
 * A float tensor to write with {@link SafeTensorsWriter}: name, row-major shape (empty for a
 * scalar) and data. Arrays are held by reference, not copied: do not change them until written.
 */
public record NamedTensor(String name, int[] shape, float[] data) {

    /** Number of elements the shape implies, or -1 if a dimension is negative or it overflows. */
    long shapeProduct() {
        for (int d : shape) {
            if (d < 0) return -1;
            if (d == 0) return 0;
        }
        long n = 1;
        for (int d : shape) {
            n *= d; // both factors < 2^31, so no long overflow; all d >= 1, so n only grows
            if (n > Integer.MAX_VALUE) return -1;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name)
                && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + ", " + Arrays.toString(shape) + "]";
    }
}
