/* fakecublas.c — a stand-in libcublas.so.13 for FakeDriverTest: the seven functions CublasGemm binds
 * through Java's FFM API (cublasCreate_v2, cublasDestroy_v2, cublasSetStream_v2, cublasSetMathMode,
 * cublasGetVersion_v2, cublasSgemm_v2, cublasGemmEx), on the fake driver's host-memory "device".
 *
 * Why: CublasGemm passes handles, device pointers, the stream and alpha/beta as raw 64-bit values and
 * maps row-major GEMMs onto column-major cuBLAS (CublasConventionTest checks the mapping on paper).
 * Loaded with -Dmcdrop.cublas=<this library>, the real downcalls run against a reference column-major
 * GEMM, so a wrong descriptor, argument order, leading dimension or pointer shows up as a wrong result
 * or a failed check.
 *
 * Honesty, as in fakecuda.cpp: arguments are validated as cuBLAS does (handle, operations, sizes,
 * leading dimensions, NULL scalars) and beyond (every matrix's whole column-major extent must lie in
 * one live fake device allocation; the handle must have the backend's stream; a current context); a
 * failed check is printed and counted by the fake driver (fakecuda_errors) and returns a cuBLAS error.
 * alpha and beta are read at the call (host pointer mode), the product is queued on the handle's stream
 * and runs when the fake driver drains it. Reduced-precision cublasGemmEx rounds A and B to TF32, FP16
 * or BF16 first (products and sums in double); with 16-bit A and B (CUDA_R_16F / CUDA_R_16BF) it reads
 * them as stored, so CudaBackendTest's tolerances for those modes are
 * exercised; tensor-core accumulation order is not modelled, nor speed.
 *
 * Like the real library (whose CUDA runtime needs a driver of its own major release or newer),
 * cublasCreate answers CUBLAS_STATUS_NOT_INITIALIZED when the driver is older than CUDA
 * FAKE_CUBLAS_MAJOR.0; the same source builds libcublas.so.13 (default) and, with
 * -DFAKE_CUBLAS_MAJOR=12, libcublas.so.12, so the fallback from one to the other can be tested.
 *
 * It links the fake libcuda.so.1 (NEEDED libcuda.so.1: the same, already loaded, library) for the
 * fakecuda_* helpers and, with -DFAKE_CUBLAS_NEEDS_LT, the fake libcublasLt.so.13 (fakecublaslt.c), which
 * FakeDriverTest puts beside it where the loader does not look, as pip and PyTorch do. Build (FakeDriverTest):
 *   gcc -std=c11 -O2 -fPIC -shared -fvisibility=hidden src/test/c/fake_cuda/fakecublas.c \
 *       -Wl,-soname,libcublas.so.13 -L<dir of the fake libcuda.so.1> -l:libcuda.so.1 -o libcublas.so.13
 */
#ifndef FAKE_CUBLAS_MAJOR
#define FAKE_CUBLAS_MAJOR 13
#endif
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* from fakecuda.cpp */
extern int fakecuda_need_context(const char* call);
extern int fakecuda_check_stream(void* stream, const char* call);
extern int fakecuda_in_device(unsigned long long p, size_t bytes);
extern void fakecuda_report(const char* message);
extern void fakecuda_enqueue(void* stream, void (*run)(void*), void* arg);
extern int cuDriverGetVersion(int* version);
#ifdef FAKE_CUBLAS_NEEDS_LT
/* from fakecublaslt.c: makes this library need libcublasLt.so.13, as the real cuBLAS does */
extern size_t cublasLtGetVersion(void);
#endif

/* cublasStatus_t */
enum { SUCCESS = 0, NOT_INITIALIZED = 1, INVALID_VALUE = 7, EXECUTION_FAILED = 13, NOT_SUPPORTED = 15 };

static int bad(int status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(int status, const char* fmt, ...) {
    char text[512];
    int n = snprintf(text, sizeof text, "fakecublas: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - n, fmt, ap);
    va_end(ap);
    char full[600];
    snprintf(full, sizeof full, "%s (cublasStatus %d)", text, status);
    fakecuda_report(full);
    return status;
}

typedef struct { void* stream; int streamSet; } Handle;
#define MAX_HANDLES 64
static Handle* live[MAX_HANDLES];

static int valid(void* h) {
    if (!h) return 0;
    for (int i = 0; i < MAX_HANDLES; i++) if (live[i] == h) return 1;
    return 0;
}

EXPORT int cublasCreate_v2(void** out) {
    if (!out) return bad(INVALID_VALUE, "cublasCreate(NULL)");
    if (fakecuda_need_context("cublasCreate_v2")) return NOT_INITIALIZED;
    int driver = 0;
    if (cuDriverGetVersion(&driver) != 0 || driver < FAKE_CUBLAS_MAJOR * 1000) return NOT_INITIALIZED; /* not an error: a fact */
#ifdef FAKE_CUBLAS_NEEDS_LT
    if (cublasLtGetVersion() / 10000 != FAKE_CUBLAS_MAJOR) return bad(NOT_INITIALIZED, "cuBLASLt of another major release");
#endif
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (!live[i]) {
            live[i] = calloc(1, sizeof(Handle));
            *out = live[i];
            return SUCCESS;
        }
    }
    return bad(NOT_SUPPORTED, "more than %d live handles", MAX_HANDLES);
}

EXPORT int cublasDestroy_v2(void* h) {
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (h && live[i] == h) {
            free(live[i]);
            live[i] = NULL;
            return SUCCESS;
        }
    }
    return bad(NOT_INITIALIZED, "cublasDestroy(%p): not a live handle", h);
}

EXPORT int cublasSetStream_v2(void* h, void* stream) {
    if (!valid(h)) return bad(NOT_INITIALIZED, "cublasSetStream(%p): not a live handle", h);
    if (fakecuda_check_stream(stream, "cublasSetStream_v2")) return INVALID_VALUE;
    ((Handle*)h)->stream = stream;
    ((Handle*)h)->streamSet = 1;
    return SUCCESS;
}

EXPORT int cublasSetMathMode(void* h, int mode) {
    if (!valid(h)) return bad(NOT_INITIALIZED, "cublasSetMathMode(%p): not a live handle", h);
    if (mode != 0) return bad(NOT_SUPPORTED, "cublasSetMathMode(%d): only CUBLAS_DEFAULT_MATH (0) is emulated", mode);
    return SUCCESS;
}

EXPORT int cublasGetVersion_v2(void* h, int* version) {
    if (!valid(h)) return bad(NOT_INITIALIZED, "cublasGetVersion(%p): not a live handle", h);
    if (!version) return bad(INVALID_VALUE, "cublasGetVersion(NULL)");
    *version = FAKE_CUBLAS_MAJOR * 10000 + 2; /* 13.0.2 or 12.0.2, CUBLAS_VERSION's encoding */
    return SUCCESS;
}

/* ---- the product ---- */

enum { ROUND_NONE, ROUND_TF32, ROUND_FP16, ROUND_BF16 };

static float rounded(float x, int mode) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7f800000u) == 0x7f800000u) return x; /* inf, NaN */
    switch (mode) {
        case ROUND_TF32: u += 0xfffu + ((u >> 13) & 1u); u &= 0xffffe000u; break;  /* 10-bit mantissa, nearest even */
        case ROUND_BF16: u += 0x7fffu + ((u >> 16) & 1u); u &= 0xffff0000u; break; /* 7-bit mantissa */
        case ROUND_FP16: return (float)(_Float16)x;                               /* IEEE half: range too */
        default: return x;
    }
    memcpy(&x, &u, 4);
    return x;
}

enum { ELEM_F32, ELEM_F16, ELEM_BF16 }; /* how A and B are stored */

typedef struct {
    int ta, tb, m, n, k, lda, ldb, ldc, round, elem;
    float alpha, beta;
    const void *A, *B;
    float* C;
} Gemm;

/** Element i of a matrix stored as elem, as a float (16-bit values convert exactly). */
static float load(const void* base, long i, int elem) {
    if (elem == ELEM_F32) return ((const float*)base)[i];
    uint16_t h = ((const uint16_t*)base)[i];
    if (elem == ELEM_F16) { _Float16 x; memcpy(&x, &h, 2); return (float)x; }
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void run(void* arg) {
    const Gemm* g = arg;
    for (int j = 0; j < g->n; j++)
        for (int i = 0; i < g->m; i++) {
            double s = 0;
            for (int p = 0; p < g->k; p++) {
                float a = load(g->A, g->ta ? p + (long)i * g->lda : i + (long)p * g->lda, g->elem);
                float b = load(g->B, g->tb ? j + (long)p * g->ldb : p + (long)j * g->ldb, g->elem);
                s += (double)rounded(a, g->round) * rounded(b, g->round);
            }
            float* c = &g->C[i + (long)j * g->ldc];
            *c = (float)(g->alpha * s + (g->beta == 0 ? 0.0 : g->beta * (double)*c)); /* beta 0: C is not read */
        }
}

/** Bytes spanned by a column-major rows×cols matrix with leading dimension ld. */
static size_t extent(int rows, int cols, int ld, size_t elemBytes) { return ((size_t)(cols - 1) * ld + rows) * elemBytes; }

static int gemm(const char* call, void* h, int ta, int tb, int m, int n, int k, const float* alpha, const void* A, int lda,
                const void* B, int ldb, const float* beta, float* C, int ldc, int round, int elem) {
    size_t bytes = elem == ELEM_F32 ? 4 : 2;
    if (!valid(h)) return bad(NOT_INITIALIZED, "%s: %p is not a live handle", call, h);
    Handle* handle = h;
    if (fakecuda_need_context(call)) return NOT_INITIALIZED;
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return bad(INVALID_VALUE, "%s: operations %d %d (only N, T are emulated)", call, ta, tb);
    if (m < 0 || n < 0 || k < 0) return bad(INVALID_VALUE, "%s: m=%d n=%d k=%d", call, m, n, k);
    int aRows = ta ? k : m, bRows = tb ? n : k;
    if (lda < (aRows > 1 ? aRows : 1) || ldb < (bRows > 1 ? bRows : 1) || ldc < (m > 1 ? m : 1))
        return bad(INVALID_VALUE, "%s: leading dimensions m=%d n=%d k=%d lda=%d ldb=%d ldc=%d", call, m, n, k, lda, ldb, ldc);
    if (!alpha || !beta) return bad(INVALID_VALUE, "%s: NULL alpha or beta", call);
    if (!handle->streamSet || handle->stream == NULL)
        return bad(EXECUTION_FAILED, "%s on the legacy stream: CublasGemm must bind the backend's stream", call);
    if (m == 0 || n == 0) return SUCCESS;
    if (!fakecuda_in_device((uintptr_t)C, extent(m, n, ldc, 4)))
        return bad(EXECUTION_FAILED, "%s: C %p (%dx%d, ldc %d) is not inside one device allocation", call, (void*)C, m, n, ldc);
    if (k > 0) {
        if (!fakecuda_in_device((uintptr_t)A, extent(aRows, ta ? m : k, lda, bytes)))
            return bad(EXECUTION_FAILED, "%s: A %p (%dx%d stored, lda %d) is not inside one device allocation", call, (const void*)A, aRows, ta ? m : k, lda);
        if (!fakecuda_in_device((uintptr_t)B, extent(bRows, tb ? k : n, ldb, bytes)))
            return bad(EXECUTION_FAILED, "%s: B %p (%dx%d stored, ldb %d) is not inside one device allocation", call, (const void*)B, bRows, tb ? k : n, ldb);
    }
    Gemm* g = malloc(sizeof(Gemm));
    *g = (Gemm){ta, tb, m, n, k, lda, ldb, ldc, round, elem, *alpha, *beta, A, B, C}; /* scalars read now: host pointer mode */
    fakecuda_enqueue(handle->stream, run, g);
    return SUCCESS;
}

EXPORT int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                          const float* B, int ldb, const float* beta, float* C, int ldc) {
    return gemm("cublasSgemm_v2", h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, ROUND_NONE, ELEM_F32);
}

EXPORT int cublasGemmEx(void* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* A, int aType, int lda,
                        const void* B, int bType, int ldb, const void* beta, void* C, int cType, int ldc, int compute, int algo) {
    const int CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14, CUBLAS_GEMM_DEFAULT = -1;
    /* FP32 everywhere with any compute type below, or 16-bit A and B (the same type) into FP32 C with CUBLAS_COMPUTE_32F */
    int elem = aType == CUDA_R_32F ? ELEM_F32 : aType == CUDA_R_16F ? ELEM_F16 : aType == CUDA_R_16BF ? ELEM_BF16 : -1;
    if (elem < 0 || bType != aType || cType != CUDA_R_32F || (elem != ELEM_F32 && compute != 68))
        return bad(NOT_SUPPORTED, "cublasGemmEx: types A %d B %d C %d with compute %d (emulated: all CUDA_R_32F, or A = B = CUDA_R_16F/16BF, C CUDA_R_32F, CUBLAS_COMPUTE_32F)",
                   aType, bType, cType, compute);
    if (algo != CUBLAS_GEMM_DEFAULT) return bad(NOT_SUPPORTED, "cublasGemmEx: algorithm %d (only CUBLAS_GEMM_DEFAULT)", algo);
    int round;
    switch (compute) {
        case 68: round = ROUND_NONE; break; /* CUBLAS_COMPUTE_32F */
        case 77: round = ROUND_TF32; break; /* CUBLAS_COMPUTE_32F_FAST_TF32 */
        case 74: round = ROUND_FP16; break; /* CUBLAS_COMPUTE_32F_FAST_16F */
        case 75: round = ROUND_BF16; break; /* CUBLAS_COMPUTE_32F_FAST_16BF */
        default: return bad(NOT_SUPPORTED, "cublasGemmEx: compute type %d not emulated", compute);
    }
    return gemm("cublasGemmEx", h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, round, elem);
}
