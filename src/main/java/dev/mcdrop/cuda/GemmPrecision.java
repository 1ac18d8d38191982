package dev.mcdrop.cuda;

import java.util.Locale;

/**
 * How the GPU's GEMMs may round their inputs. Storage stays FP32 everywhere (activations,
 * weights, outputs, accumulation); only the multiply inside cuBLAS changes. Strict FP32 is the
 * default so the GPU matches the CPU to float precision; the other modes trade accuracy for
 * tensor-core speed and are opt-in ({@code --gemm-precision}).
 *
 * <p>cuBLAS mapping: FP32 is {@code cublasSgemm} with CUBLAS_DEFAULT_MATH; the others are
 * {@code cublasGemmEx} on CUDA_R_32F matrices with a "fast" compute type, which lets cuBLAS
 * down-convert the inputs (10-bit mantissa for TF32 and FP16, 7-bit for BF16) and accumulate in
 * FP32. The built-in GEMM kernel (used when cuBLAS is missing) is always strict FP32.
 */
public enum GemmPrecision {
    /** Strict IEEE FP32 multiply-add. */
    FP32(68, "strict FP32"),            // CUBLAS_COMPUTE_32F
    /** TF32 tensor cores (inputs rounded to 10-bit mantissa). */
    TF32(77, "TF32 tensor cores"),      // CUBLAS_COMPUTE_32F_FAST_TF32
    /** FP16 tensor cores (inputs rounded to IEEE half; range ±65504). */
    FP16(74, "FP16 tensor cores"),      // CUBLAS_COMPUTE_32F_FAST_16F
    /** BF16 tensor cores (inputs rounded to bfloat16: FP32 range, 7-bit mantissa). */
    BF16(75, "BF16 tensor cores");      // CUBLAS_COMPUTE_32F_FAST_16BF

    /** The cublasComputeType_t value passed to cublasGemmEx. */
    final int cublasComputeType;
    private final String description;

    GemmPrecision(int cublasComputeType, String description) {
        this.cublasComputeType = cublasComputeType;
        this.description = description;
    }

    public String description() { return description; }

    /** "fp32", "tf32", "fp16", "bf16" (case-insensitive); throws naming the valid values otherwise. */
    public static GemmPrecision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown GEMM precision '" + s + "' (fp32, tf32, fp16, bf16)");
        }
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
