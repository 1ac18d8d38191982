package dev.mcdrop.io;

import java.util.Arrays;

/**
 * One validated tensor entry of a safetensors header. {@code dataBegin}/{@code dataEnd} are byte
 * offsets relative to the start of the data section, already checked against the file, so
 * {@code dataEnd - dataBegin == elementCount() * dtype.byteSize()} always holds.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataBegin, long dataEnd) {

    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the shape; row-major, outermost dimension first; empty for a scalar. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** Product of the dimensions (1 for a scalar); validated not to overflow when parsed. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Size of the tensor's data in bytes. */
    public long byteLength() {
        return dataEnd - dataBegin;
    }

    /** {@code [d0, d1, ...]}, the form used in messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && dataBegin == t.dataBegin && dataEnd == t.dataEnd;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(dataBegin);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + ", " + dtype + ", " + shapeString()
                + ", [" + dataBegin + ", " + dataEnd + ")]";
    }
}
