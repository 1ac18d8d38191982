package dev.mcdrop.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named constant tensor (weights, biases, batch-norm statistics, broadcast operands) with its
 * full ONNX shape (no implicit batch; rank 0 is a scalar). The values are a float array, held
 * without copying (a view of the file's or the chain's weights), or a double array for tensors
 * computed here ({@link Folding} folds in float64 so that the backends round once).
 */
public record Initializer(String name, int[] dims, Values values) {
    /** The values, row-major. */
    public sealed interface Values {
        int length();

        double get(int i);
    }

    public record Floats(float[] data) implements Values {
        public int length() { return data.length; }

        public double get(int i) { return data[i]; }
    }

    public record Doubles(double[] data) implements Values {
        public int length() { return data.length; }

        public double get(int i) { return data[i]; }
    }

    public Initializer {
        Objects.requireNonNull(name, "name");
        dims = dims.clone();
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new GraphException("initializer " + dev.mcdrop.io.Names.quote(name) + ": negative dimension in " + Arrays.toString(dims));
            n = GraphLimits.product(n, d);
        }
        if (n != values.length()) {
            throw new GraphException("initializer " + dev.mcdrop.io.Names.quote(name) + ": shape " + Arrays.toString(dims) + " holds "
                    + GraphLimits.count(n) + " values but " + values.length() + " are given");
        }
    }

    public static Initializer of(String name, int[] dims, float[] data) { return new Initializer(name, dims, new Floats(data)); }

    public static Initializer ofDoubles(String name, int[] dims, double[] data) { return new Initializer(name, dims, new Doubles(data)); }

    @Override public int[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    public int length() { return values.length(); }

    public double get(int i) { return values.get(i); }

    /** The values in float64. */
    public double[] toDoubles() {
        double[] d = new double[length()];
        for (int i = 0; i < d.length; i++) d[i] = get(i);
        return d;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Initializer i && name.equals(i.name) && Arrays.equals(dims, i.dims) && values.equals(i.values);
    }

    @Override public int hashCode() { return Objects.hash(name, Arrays.hashCode(dims)); }

    @Override public String toString() { return "initializer " + name + Arrays.toString(dims); }
}
