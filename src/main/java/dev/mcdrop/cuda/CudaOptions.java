package dev.mcdrop.cuda;

import java.util.Objects;

/**
 * How to open the CUDA backend.
 *
 * @param device        CUDA device ordinal (0 = first GPU)
 * @param gemmPrecision how cuBLAS may round GEMM inputs; {@link GemmPrecision#FP32} (the
 *                      default) matches the CPU to float precision, the others are faster on
 *                      tensor cores with ~1e-3 (TF32, FP16) to ~1e-2 (BF16) relative error
 * @param cublasPath    explicit path of libcublas.so to load first, or null; the system property
 *                      {@code mcdrop.cublas} is used when this is null
 * @param useCublas     false forces the built-in SGEMM kernel (native-kernels/gemm.cu)
 * @param conv          how convolutions run: im2col + GEMM (default) or the implicit-GEMM kernel
 */
public record CudaOptions(int device, GemmPrecision gemmPrecision, String cublasPath, boolean useCublas,
                          ConvAlgorithm conv) {
    public CudaOptions {
        if (device < 0) throw new IllegalArgumentException("CUDA device index must be >= 0, got " + device);
        Objects.requireNonNull(gemmPrecision, "gemmPrecision");
        Objects.requireNonNull(conv, "conv");
    }

    public CudaOptions(int device, GemmPrecision gemmPrecision, String cublasPath, boolean useCublas) {
        this(device, gemmPrecision, cublasPath, useCublas, ConvAlgorithm.IM2COL);
    }

    public static CudaOptions defaults() { return new CudaOptions(0, GemmPrecision.FP32, null, true); }

    public CudaOptions withDevice(int d) { return new CudaOptions(d, gemmPrecision, cublasPath, useCublas, conv); }

    public CudaOptions withGemmPrecision(GemmPrecision p) { return new CudaOptions(device, p, cublasPath, useCublas, conv); }

    public CudaOptions withCublasPath(String path) { return new CudaOptions(device, gemmPrecision, path, useCublas, conv); }

    public CudaOptions withCublas(boolean on) { return new CudaOptions(device, gemmPrecision, cublasPath, on, conv); }

    public CudaOptions withConv(ConvAlgorithm c) { return new CudaOptions(device, gemmPrecision, cublasPath, useCublas, c); }
}
