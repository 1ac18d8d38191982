package dev.mcdrop.model;

/**
 * One learnable tensor: its safetensors name, PyTorch-layout shape (conv OIHW, dense out×in,
 * bias [out]) and the fan-in/fan-out that Xavier initialisation uses.
 */
public record ParamSpec(String tensorName, int[] shape, int fanIn, int fanOut, boolean bias) {
    public int elements() {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public long[] longShape() {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
