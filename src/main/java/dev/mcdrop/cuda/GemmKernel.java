package dev.mcdrop.cuda;

/**
 * Launcher for native-kernels/gemm.cu, the built-in SGEMM used when no cuBLAS loads (or
 * {@code useCublas = false}). Same row-major contract as {@link dev.mcdrop.backend.Backend#gemm}.
 */
final class GemmKernel {
    private final KernelLauncher launcher;
    private final KernelArgs nn = KernelSignatures.args("gemm/sgemm_nn"), nt = KernelSignatures.args("gemm/sgemm_nt"),
            tn = KernelSignatures.args("gemm/sgemm_tn"), tt = KernelSignatures.args("gemm/sgemm_tt");

    GemmKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, float beta, long c) {
        if (m <= 0 || n <= 0) return;
        KernelArgs args = transA ? (transB ? tt : tn) : (transB ? nt : nn);
        args.set("m", m).set("n", n).set("k", k).set("A", a).set("B", b).set("beta", beta).set("C", c);
        String kernel = args.signature().key();
        int gridX = (n + 63) / 64, gridY = (m + 63) / 64;
        if (gridY > 65535) throw new CudaOpException("cuda gemm: m = " + m + " exceeds the built-in kernel's grid");
        launcher.launch(kernel, gridX, gridY, 16, 16, args, "gemm (built-in)");
    }
}
