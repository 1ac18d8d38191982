package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * Launcher for native-kernels/gemm.cu, the built-in SGEMM used when no cuBLAS loads (or
 * {@code useCublas = false}). Same row-major contract as {@link dev.mcdrop.backend.Backend#gemm}.
 */
final class GemmKernel {
    private final CUfunction nn, nt, tn, tt;
    private final CUstream stream;
    // sgemm_xx(m, n, k, A, B, beta, C)
    private final KernelArgs args = KernelSignatures.args("gemm/sgemm_nn");

    GemmKernel(PtxModules modules, CUstream stream) {
        this.nn = modules.function("gemm", "sgemm_nn");
        this.nt = modules.function("gemm", "sgemm_nt");
        this.tn = modules.function("gemm", "sgemm_tn");
        this.tt = modules.function("gemm", "sgemm_tt");
        this.stream = stream;
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, float beta, long c) {
        if (m <= 0 || n <= 0) return;
        args.set(0, m).set(1, n).set(2, k).set(3, a).set(4, b).set(5, beta).set(6, c);
        CUfunction f = transA ? (transB ? tt : tn) : (transB ? nt : nn);
        int gridX = (n + 63) / 64, gridY = (m + 63) / 64;
        if (gridY > 65535) throw new CudaOpException("cuda gemm: m = " + m + " exceeds the built-in kernel's grid");
        check(cuLaunchKernel(f, gridX, gridY, 1, 16, 16, 1, 0, stream, args.params, null), "gemm (built-in)");
    }
}
