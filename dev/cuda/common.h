// common.h — scaffolding shared by the dev/cuda workbenches (after llm.c's dev/cuda): error
// checks, CUDA-event timing, reproducible random data, validation against a reference, and
// cuBLAS opened with dlopen (the toolkit on the build machine has no cuBLAS; the GPU host has one
// in its PyTorch install: set CUBLAS=/path/to/libcublas.so.13, else the loader's search path).
// The workbenches #include the shipped kernel sources from native-kernels/, so they time exactly
// what the Java backend launches.
#pragma once
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define cudaCheck(call)                                                                               \
    do {                                                                                              \
        cudaError_t e_ = (call);                                                                      \
        if (e_ != cudaSuccess) {                                                                      \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

// After every launch: a launch error (bad grid, too many resources) surfaces here, not later.
#define launchCheck() cudaCheck(cudaGetLastError())

// Uniform floats in [-1, 1) from a fixed xorshift stream.
static float* host_random(size_t n, unsigned long long seed) {
    float* h = (float*)malloc(n * sizeof(float));
    unsigned long long s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        h[i] = (float)((s >> 40) * (1.0 / (1ull << 24))) * 2.f - 1.f;
    }
    return h;
}

static float* to_device(const float* h, size_t n) {
    float* d;
    cudaCheck(cudaMalloc(&d, n * sizeof(float)));
    cudaCheck(cudaMemcpy(d, h, n * sizeof(float), cudaMemcpyHostToDevice));
    return d;
}

static float* device_zeros(size_t n) {
    float* d;
    cudaCheck(cudaMalloc(&d, n * sizeof(float)));
    cudaCheck(cudaMemset(d, 0, n * sizeof(float)));
    return d;
}

static float* to_host(const float* d, size_t n) {
    float* h = (float*)malloc(n * sizeof(float));
    cudaCheck(cudaMemcpy(h, d, n * sizeof(float), cudaMemcpyDeviceToHost));
    return h;
}

// Mean milliseconds per call of f() over `repeat` calls, after one untimed call.
template <class F>
static float time_ms(F f, int repeat) {
    f();
    cudaCheck(cudaDeviceSynchronize());
    cudaEvent_t start, stop;
    cudaCheck(cudaEventCreate(&start));
    cudaCheck(cudaEventCreate(&stop));
    cudaCheck(cudaEventRecord(start));
    for (int i = 0; i < repeat; i++) f();
    cudaCheck(cudaEventRecord(stop));
    cudaCheck(cudaEventSynchronize(stop));
    float ms;
    cudaCheck(cudaEventElapsedTime(&ms, start, stop));
    cudaCheck(cudaEventDestroy(start));
    cudaCheck(cudaEventDestroy(stop));
    return ms / repeat;
}

// Prints "ok"/"FAIL" for |got - ref| <= atol + rtol*|ref| everywhere; returns 1 when it holds.
static int validate(const char* what, const float* got, const double* ref, size_t n, double atol, double rtol) {
    size_t bad = 0, worst_at = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double err = fabs((double)got[i] - ref[i]), tol = atol + rtol * fabs(ref[i]);
        if (!(err <= tol)) bad++;
        if (err / tol > worst || err != err) { worst = err / tol; worst_at = i; }
    }
    printf("  %-40s %s (%zu of %zu outside tolerance; worst at %zu: %.7g vs %.7g)\n", what, bad ? "FAIL" : "ok", bad, n,
           worst_at, got[worst_at], ref[worst_at]);
    return bad == 0;
}

// ---- cuBLAS through dlopen: just the calls the workbenches need ----
typedef int (*cublasCreate_fn)(void**);
typedef int (*cublasSgemm_fn)(void*, int, int, int, int, int, const float*, const float*, int, const float*, int,
                              const float*, float*, int);
typedef int (*cublasGemmEx_fn)(void*, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,
                               const void*, void*, int, int, int, int);
static struct {
    void* handle;
    cublasSgemm_fn sgemm;
    cublasGemmEx_fn gemmEx;
} blas;

enum { CUDA_R_32F_ = 0, CUDA_R_16F_ = 2, CUDA_R_16BF_ = 14, OP_N = 0, GEMM_DEFAULT = -1, COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77,
       COMPUTE_32F_FAST_16BF = 75 };

// 1 when cuBLAS loaded (CUBLAS env, then libcublas.so.13, then .so.12).
static int blas_open() {
    const char* names[] = {getenv("CUBLAS"), "libcublas.so.13", "libcublas.so.12"};
    void* lib = NULL;
    for (int i = 0; i < 3 && !lib; i++)
        if (names[i] && names[i][0]) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);  // "" would open the program itself
    if (!lib) { printf("  cuBLAS: not found (set CUBLAS=/path/to/libcublas.so.13); cuBLAS versions skipped\n"); return 0; }
    cublasCreate_fn create = (cublasCreate_fn)dlsym(lib, "cublasCreate_v2");
    blas.sgemm = (cublasSgemm_fn)dlsym(lib, "cublasSgemm_v2");
    blas.gemmEx = (cublasGemmEx_fn)dlsym(lib, "cublasGemmEx");
    if (!create || !blas.sgemm || !blas.gemmEx || create(&blas.handle) != 0) {
        printf("  cuBLAS: loaded but unusable; cuBLAS versions skipped\n");
        return 0;
    }
    return 1;
}

// Row-major C[m×n] = A[m×k]·B[k×n] on column-major cuBLAS: C^T = B^T·A^T (see native-kernels/README.md).
// computeType COMPUTE_32F with sgemm = strict FP32; the FAST_* types go through cublasGemmEx.
static void blas_gemm_rowmajor(int m, int n, int k, const float* A, const float* B, float* C, int computeType) {
    const float one = 1.f, zero = 0.f;
    int status = computeType == COMPUTE_32F
        ? blas.sgemm(blas.handle, OP_N, OP_N, n, m, k, &one, B, n, A, k, &zero, C, n)
        : blas.gemmEx(blas.handle, OP_N, OP_N, n, m, k, &one, B, CUDA_R_32F_, n, A, CUDA_R_32F_, k, &zero, C,
                      CUDA_R_32F_, n, computeType, GEMM_DEFAULT);
    if (status != 0) { fprintf(stderr, "cuBLAS gemm failed with status %d\n", status); exit(1); }
}

// The same product with A and B stored as 16-bit floats (type CUDA_R_16F_ or CUDA_R_16BF_), C in FP32,
// CUBLAS_COMPUTE_32F: what CudaBackend does for --gemm-precision fp16|bf16 convolutions.
// A's rows are lda >= k elements long (mcdrop pads them to a multiple of 8).
static void blas_gemm_rowmajor_16(int m, int n, int k, const void* A, int lda, const void* B, float* C, int type) {
    const float one = 1.f, zero = 0.f;
    int status = blas.gemmEx(blas.handle, OP_N, OP_N, n, m, k, &one, B, type, n, A, type, lda, &zero, C, CUDA_R_32F_, n,
                             COMPUTE_32F, GEMM_DEFAULT);
    if (status != 0) { fprintf(stderr, "cuBLAS 16-bit gemm failed with status %d\n", status); exit(1); }
}
