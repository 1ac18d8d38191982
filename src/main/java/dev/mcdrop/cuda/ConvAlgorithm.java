package dev.mcdrop.cuda;

import java.util.Locale;

/**
 * How the CUDA backend computes a convolution. {@link #IM2COL} (the default) unfolds the input
 * into a K × N·OH·OW matrix in device memory and multiplies it with cuBLAS (or the built-in
 * GEMM); {@link #IMPLICIT} forms that matrix slice by slice in shared memory inside one kernel
 * (native-kernels/conv2d.cu), saving the matrix's write and read, at strict FP32 whatever the
 * GEMM precision. Which is faster depends on the card; {@code bench} measures both.
 */
public enum ConvAlgorithm {
    IM2COL("im2col + GEMM"),
    IMPLICIT("implicit-GEMM kernel, FP32");

    private final String description;

    ConvAlgorithm(String description) { this.description = description; }

    public String description() { return description; }

    /** "im2col" or "implicit" (case-insensitive); throws naming the valid values otherwise. */
    public static ConvAlgorithm parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown convolution algorithm '" + s + "' (im2col, implicit)");
        }
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
