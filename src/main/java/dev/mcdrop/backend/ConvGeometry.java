package dev.mcdrop.backend;

/**
 * Shape of one 2-D convolution (square stride and zero padding on both sides), in PyTorch's
 * terms: output size = floor((in + 2·pad − kernel) / stride) + 1. Sizes are computed in long and
 * the constructor refuses a geometry whose padded input, planes, per-image tensors or im2col
 * patch matrix would not fit an int, so the int accessors (and the backends' int index
 * arithmetic, which stays below the padded input size) never wrap around. Architectures are
 * bounded well inside this at load ({@code dev.mcdrop.model.ArchitectureLimits}).
 */
public record ConvGeometry(int inChannels, int inHeight, int inWidth,
                           int outChannels, int kernelHeight, int kernelWidth,
                           int stride, int padding) {
    public ConvGeometry {
        if (inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0
                || kernelHeight <= 0 || kernelWidth <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + this);
        }
        long paddedHeight = inHeight + 2L * padding, paddedWidth = inWidth + 2L * padding;
        if (paddedHeight > Integer.MAX_VALUE || paddedWidth > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution geometry " + this + ": the padded input does not fit an int");
        }
        if (paddedHeight < kernelHeight || paddedWidth < kernelWidth) {
            throw new IllegalArgumentException("convolution geometry " + this + ": the kernel does not fit the padded input");
        }
        long outHeight = (paddedHeight - kernelHeight) / stride + 1, outWidth = (paddedWidth - kernelWidth) / stride + 1;
        long inPlane = (long) inHeight * inWidth, outPlane = outHeight * outWidth;
        long patch = (long) inChannels * kernelHeight * kernelWidth;
        if (inPlane * inChannels > Integer.MAX_VALUE || outPlane * outChannels > Integer.MAX_VALUE
                || patch > Integer.MAX_VALUE || patch * outPlane > Integer.MAX_VALUE
                || (long) outChannels * patch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution geometry " + this + ": a per-image size does not fit an int");
        }
    }

    public int outHeight() { return (int) ((inHeight + 2L * padding - kernelHeight) / stride + 1); }

    public int outWidth() { return (int) ((inWidth + 2L * padding - kernelWidth) / stride + 1); }

    /** Rows of the im2col matrix: inChannels · kernelHeight · kernelWidth. */
    public int patchSize() { return inChannels * kernelHeight * kernelWidth; }

    public int outPlane() { return outHeight() * outWidth(); }

    public int inPlane() { return inHeight * inWidth; }
}
