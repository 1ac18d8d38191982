package dev.mcdrop.cuda;

/**
 * How to open the CUDA backend.
 *
 * @param device     CUDA device ordinal (0 = first GPU)
 * @param allowTf32  let cuBLAS use TF32 tensor cores for FP32 GEMMs (faster, ~1e-3 relative
 *                   error); off by default so results match the CPU to float precision
 * @param cublasPath explicit path of libcublas.so to load first, or null; the system property
 *                   {@code mcdrop.cublas} is used when this is null
 * @param useCublas  false forces the built-in SGEMM kernel (native-kernels/gemm.cu)
 */
public record CudaOptions(int device, boolean allowTf32, String cublasPath, boolean useCublas) {
    public CudaOptions {
        if (device < 0) throw new IllegalArgumentException("CUDA device index must be >= 0, got " + device);
    }

    public static CudaOptions defaults() { return new CudaOptions(0, false, null, true); }

    public CudaOptions withDevice(int d) { return new CudaOptions(d, allowTf32, cublasPath, useCublas); }

    public CudaOptions withTf32(boolean on) { return new CudaOptions(device, on, cublasPath, useCublas); }

    public CudaOptions withCublasPath(String path) { return new CudaOptions(device, allowTf32, path, useCublas); }

    public CudaOptions withCublas(boolean on) { return new CudaOptions(device, allowTf32, cublasPath, on); }
}
