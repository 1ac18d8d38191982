// conv2d.cu — workbench for the sampled convolution of LeNet (conv2: in[20][S][12][12] ->
// out[50][S*64], K = 500, 3.2 MFLOP per column), the largest cost of an MC pass, as mcdrop's CUDA
// backend runs it. Versions:
//   1  im2col kernel + cuBLAS SGEMM, strict FP32   (default: --conv im2col)
//   2  conv2d_implicit, strict FP32                (--conv implicit)
//   3  im2col + cublasGemmEx FAST_TF32             (--gemm-precision tf32)
//   4  im2col + cublasGemmEx FAST_16BF             (FP32 inputs rounded inside cuBLAS; mcdrop before the 16-bit path)
//   5  im2col_half (FP16) + 16-bit GemmEx          (--gemm-precision fp16: half the im2col bytes)
//   6  im2col_half (BF16) + 16-bit GemmEx          (--gemm-precision bf16)
//   7  to_half + conv2d_implicit_f16               (--gemm-precision fp16 --conv implicit: FP16 tensor cores, no im2col matrix)
// Each version is first checked on 63 columns (a ragged last tile) against a float64 CPU reference, then timed on S
// columns (default 20,000; S=10,000 per sample of the full MNIST test set).
//   build: dev/cuda/build.sh        run: dev/cuda/build/conv2d [version, 0 = all] [S]
#include "common.h"
#include "../../native-kernels/im2col.cu"
#include "../../native-kernels/conv2d.cu"

static const int CIN = 20, H = 12, W = 12, COUT = 50, KS = 5, OH = 8, OW = 8, K = CIN * KS * KS, P = OH * OW;
static const int LDA16 = (K + 7) / 8 * 8;  // 16-bit weight rows padded to a multiple of 8, as CudaBackend does
static const int WPAD = (K + 31) / 32 * 32; // conv2d_implicit_f16's weight rows: whole 32-wide K slices (ConvKernel.halfWeightStride)

// out[co][n*P + p] in float64.
static double* reference(const float* in, const float* w, int columns) {
    double* out = (double*)calloc((size_t)COUT * columns * P, sizeof(double));
    for (int co = 0; co < COUT; co++)
        for (int n = 0; n < columns; n++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double acc = 0;
                    for (int ci = 0; ci < CIN; ci++)
                        for (int ky = 0; ky < KS; ky++)
                            for (int kx = 0; kx < KS; kx++)
                                acc += (double)w[co * K + (ci * KS + ky) * KS + kx]
                                     * in[((size_t)(ci * columns + n) * H + oy + ky) * W + ox + kx];
                    out[(size_t)co * columns * P + n * P + oy * OW + ox] = acc;
                }
    return out;
}

static unsigned short* w16;  // the weights as 16-bit floats (versions 5, 6), converted in each call as mcdrop does

static void run_version(int version, const float* in, const float* w, float* cols, float* out, int columns) {
    long long total = (long long)columns * P;
    long long wanted = ((total < 8192 ? total : 8192) + 255) / 256;
    int unit = P / 64;  // P / gcd(P, 256) for P = 64
    dim3 grid((unsigned)((wanted + unit - 1) / unit * unit), K);
    if (version == 7) {
        to_half<<<(COUT * WPAD + 255) / 256, 256>>>(w, w16, COUT, K, WPAD, 0);
        launchCheck();
        dim3 grid((unsigned)((total + 127) / 128), (COUT + 63) / 64);
        conv2d_implicit_f16<<<grid, 256>>>(in, w16, out, CIN, H, W, KS, KS, 1, 1, 0, 0, 1, 1, OH, OW, COUT, WPAD, columns);
        launchCheck();
        return;
    }
    if (version >= 5) {
        int bf16 = version == 6;
        to_half<<<(COUT * LDA16 + 255) / 256, 256>>>(w, w16, COUT, K, LDA16, bf16);
        launchCheck();
        im2col_half<<<grid, 256>>>(in, (unsigned short*)cols, CIN, H, W, KS, KS, 1, 1, 0, 0, 1, 1, OH, OW, columns, bf16);
        launchCheck();
        blas_gemm_rowmajor_16(COUT, (int)total, K, w16, LDA16, cols, out, bf16 ? CUDA_R_16BF_ : CUDA_R_16F_);
        return;
    }
    if (version == 2) {
        dim3 grid((unsigned)((total + 127) / 128), (COUT + 63) / 64);
        conv2d_implicit<<<grid, 256>>>(in, w, out, CIN, H, W, KS, KS, 1, 1, 0, 0, 1, 1, OH, OW, COUT, columns);
        launchCheck();
        return;
    }
    // as Im2colKernels launches it: y = patch rows, x = up to 8,192 threads per row, a multiple of P
    im2col<<<grid, 256>>>(in, cols, CIN, H, W, KS, KS, 1, 1, 0, 0, 1, 1, OH, OW, columns);
    launchCheck();
    int compute = version == 1 ? COMPUTE_32F : version == 3 ? COMPUTE_32F_FAST_TF32 : COMPUTE_32F_FAST_16BF;
    blas_gemm_rowmajor(COUT, (int)total, K, w, cols, out, compute);
}

int main(int argc, char** argv) {
    int only = argc > 1 ? atoi(argv[1]) : 0, columns = argc > 2 ? atoi(argv[2]) : 20000;
    cudaDeviceProp prop;
    cudaCheck(cudaGetDeviceProperties(&prop, 0));
    printf("conv2d workbench on %s: LeNet conv2, %d columns (%.1f GFLOP per call)\n", prop.name, columns,
           2.0 * COUT * K * P * columns / 1e9);
    int haveBlas = blas_open();
    const int check = 63;
    float* w = host_random((size_t)COUT * K, 1);
    float* inSmall = host_random((size_t)CIN * check * H * W, 2);
    double* ref = reference(inSmall, w, check);
    float* dw = to_device(w, (size_t)COUT * K);
    const char* names[] = {"", "im2col + cuBLAS SGEMM (FP32)", "implicit GEMM (FP32)", "im2col + cuBLAS TF32",
                           "im2col + cuBLAS BF16 (FP32 inputs)", "16-bit im2col + cuBLAS, FP16 inputs",
                           "16-bit im2col + cuBLAS, BF16 inputs", "implicit GEMM on FP16 tensor cores"};
    double rtol[] = {0, 1e-5, 1e-5, 3e-3, 2e-2, 3e-3, 2e-2, 3e-3}, atol[] = {0, 1e-4, 1e-4, 2e-2, 1e-1, 2e-2, 1e-1, 2e-2};
    w16 = (unsigned short*)device_zeros((size_t)(COUT * (WPAD > LDA16 ? WPAD : LDA16) + 1) / 2);
    int failures = 0;
    for (int v = 1; v <= 7; v++) {
        if (only && v != only) continue;
        if (v != 2 && v != 7 && !haveBlas) continue;
        // check on 64 columns
        float* din = to_device(inSmall, (size_t)CIN * check * H * W);
        float* dcols = device_zeros((size_t)K * check * P);
        float* dout = device_zeros((size_t)COUT * check * P);
        run_version(v, din, dw, dcols, dout, check);
        float* got = to_host(dout, (size_t)COUT * check * P);
        printf("version %d: %s\n", v, names[v]);
        failures += !validate("vs float64 CPU reference, 63 columns", got, ref, (size_t)COUT * check * P, atol[v], rtol[v]);
        cudaCheck(cudaFree(din)); cudaCheck(cudaFree(dcols)); cudaCheck(cudaFree(dout)); free(got);
        // time on `columns` columns
        float* in = host_random((size_t)CIN * columns * H * W, 3);
        din = to_device(in, (size_t)CIN * columns * H * W);
        dcols = v == 2 || v == 7 ? NULL : device_zeros((size_t)K * columns * P);
        dout = device_zeros((size_t)COUT * columns * P);
        float ms = time_ms([&] { run_version(v, din, dw, dcols, dout, columns); }, 10);
        double flops = 2.0 * COUT * K * P * columns;
        printf("  %.3f ms per call, %.1f TFLOP/s, %.2f M columns/s (conv2 alone)\n", ms, flops / ms / 1e9,
               columns / ms / 1e3);
        cudaCheck(cudaFree(din)); if (dcols) cudaCheck(cudaFree(dcols)); cudaCheck(cudaFree(dout)); free(in);
    }
    printf(failures ? "FAILED: %d version(s) outside tolerance\n" : "all checked versions within tolerance\n", failures);
    return failures ? 1 : 0;
}
