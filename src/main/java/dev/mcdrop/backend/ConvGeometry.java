package dev.mcdrop.backend;

/**
 * Shape of one 2-D convolution (square stride and zero padding on both sides), in PyTorch's
 * terms: output size = floor((in + 2·pad − kernel) / stride) + 1.
 */
public record ConvGeometry(int inChannels, int inHeight, int inWidth,
                           int outChannels, int kernelHeight, int kernelWidth,
                           int stride, int padding) {
    public ConvGeometry {
        if (inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0
                || kernelHeight <= 0 || kernelWidth <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + this);
        }
    }

    public int outHeight() { return (inHeight + 2 * padding - kernelHeight) / stride + 1; }

    public int outWidth() { return (inWidth + 2 * padding - kernelWidth) / stride + 1; }

    /** Rows of the im2col matrix: inChannels · kernelHeight · kernelWidth. */
    public int patchSize() { return inChannels * kernelHeight * kernelWidth; }

    public int outPlane() { return outHeight() * outWidth(); }

    public int inPlane() { return inHeight * inWidth; }
}
