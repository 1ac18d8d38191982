package dev.mcdrop.cuda;

import java.util.Locale;

/**
 * How the CUDA backend computes a convolution. {@link #IM2COL} (the default) unfolds the input
 * into a K × N·OH·OW matrix in device memory and multiplies it with cuBLAS (or the built-in
 * GEMM); {@link #IMPLICIT} forms that matrix slice by slice in shared memory inside one kernel
 * (native-kernels/conv2d.cu), saving the matrix's write and read: on FP16 tensor cores with
 * {@code --gemm-precision fp16}, else in strict FP32 (tf32 and bf16 apply to the dense layers
 * only). Which is faster depends on the card; {@code bench} measures both.
 */
public enum ConvAlgorithm {
    IM2COL,
    IMPLICIT;

    /** How convolutions run with this algorithm at GEMM precision {@code p}. */
    public String description(GemmPrecision p) {
        if (this == IM2COL) return "im2col + GEMM";
        return p == GemmPrecision.FP16 ? "implicit-GEMM kernel, FP16 tensor cores" : "implicit-GEMM kernel, FP32";
    }

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
