package dev.mcdrop.predict;

/**
 * A network gave NaN or infinite class probabilities for an image: its weights are not finite or
 * not sensible (they overflow the float range), a pixel is NaN or infinite, or FP16 activations
 * overflowed. A fault of the data the user gave, not of mcdrop, so it is a plain one-line error
 * that names the network and the image (an ArithmeticException would read as an internal error).
 */
public final class NonFiniteOutputException extends IllegalStateException {
    public NonFiniteOutputException(String network, int image) {
        super("network " + dev.mcdrop.io.Names.quote(network) + " gives non-finite probabilities for image " + image
                + " (are the weights finite and sensible? a NaN or infinite pixel, or activations beyond ±65,504"
                + " with --gemm-precision fp16, do the same)");
    }
}
