package dev.mcdrop.backend;

/**
 * Shape of a 2-D pooling window over planes of height × width, no padding, PyTorch's floor
 * rounding: out = floor((in − kernel) / stride) + 1. A plane must fit an int (the backends index
 * planes in int), so the accessors cannot wrap around.
 */
public record PoolGeometry(PoolKind kind, int height, int width, int kernel, int stride) {
    public enum PoolKind { MAX, AVERAGE }

    public PoolGeometry {
        if (height <= 0 || width <= 0 || kernel <= 0 || stride <= 0 || kernel > height || kernel > width
                || (long) height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid pooling geometry " + kind + " " + height + "x" + width
                    + " kernel " + kernel + " stride " + stride);
        }
    }

    public int outHeight() { return (height - kernel) / stride + 1; }

    public int outWidth() { return (width - kernel) / stride + 1; }
}
