package dev.mcdrop.cuda;

/**
 * Launcher for native-kernels/gemm.cu, the built-in SGEMM used when no cuBLAS loads (or
 * {@code useCublas = false}). Same row-major contract as {@link dev.mcdrop.backend.Backend#gemm}.
 */
final class GemmKernel {
    private final KernelLauncher launcher;
    // sgemm_xx(m, n, k, A, B, beta, C)
    private final KernelArgs args = KernelSignatures.args("gemm/sgemm_nn");

    GemmKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, float beta, long c) {
        if (m <= 0 || n <= 0) return;
        args.set(0, m).set(1, n).set(2, k).set(3, a).set(4, b).set(5, beta).set(6, c);
        String kernel = transA ? (transB ? "gemm/sgemm_tt" : "gemm/sgemm_tn") : (transB ? "gemm/sgemm_nt" : "gemm/sgemm_nn");
        int gridX = (n + 63) / 64, gridY = (m + 63) / 64;
        if (gridY > 65535) throw new CudaOpException("cuda gemm: m = " + m + " exceeds the built-in kernel's grid");
        launcher.launch(kernel, gridX, gridY, 16, 16, args, "gemm (built-in)");
    }
}
