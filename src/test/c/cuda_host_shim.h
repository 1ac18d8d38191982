/* cuda_host_shim.h — just enough of CUDA C for g++ to compile the native-kernels sources for the host,
 * so KernelEmulation32Test/64Test can run the real kernel sources on the CPU: every CUDA thread of a block
 * is a std::thread (threadIdx is thread_local), __shared__ arrays are statics shared by the
 * block's threads, __syncthreads() is a std::barrier; blocks run one after another.
 * With MCDROP_FIBER_SYNC (fake_cuda/fakecuda.cpp) a block's threads are fibers on one OS thread instead
 * and __syncthreads() calls mcdrop_syncthreads(), which the including file defines.
 * Not a performance model, and races between threads are not detected reliably. */
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>

#define MCDROP_HOST_TEST  /* philox.cuh: host qualifiers and mulhi */
#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __restrict__ __restrict
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))

struct dim3 { unsigned int x = 1, y = 1, z = 1; };
extern thread_local dim3 threadIdx;
extern dim3 blockIdx, blockDim, gridDim;
extern std::barrier<>* block_barrier;
#ifdef MCDROP_FIBER_SYNC
void mcdrop_syncthreads();
inline void __syncthreads() { mcdrop_syncthreads(); }
#else
inline void __syncthreads() { block_barrier->arrive_and_wait(); }
#endif

#include <cstdlib>
#include <cstring>
inline void __trap() { std::abort(); }
inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }

/* Round-to-nearest float ops: plain operators with -ffp-contract=off. */
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __ull2float_rn(unsigned long long v) { return (float)v; } /* x86-64 converts with round-to-nearest */
#include <math.h> /* expf, logf, fmaxf, INFINITY */

/* ---- FP16 and WMMA (conv2d_implicit_f16) ----
 * __half is its 16 bits. The warp-wide WMMA operations are emulated by lane 0 of each warp alone,
 * holding whole tiles: the other lanes return at once, and their fragments are never read (the
 * API gives no lane a defined share of a tile, so kernels may only pass fragments to these calls;
 * conv2d_implicit_f16 does). Products of FP16 values are exact in float; the k-sum is float, in
 * increasing k (a tensor core's order is unspecified, so tests allow float rounding). Pointers must
 * be 32-byte aligned and ldm a multiple of 16 bytes, as on the GPU: violations abort. */
#include <cstdio>
struct __half { unsigned short bits; };

inline float mcdrop_half_to_float(unsigned short h) {
    unsigned int sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, u;
    if (e == 0x1f) u = sign | 0x7f800000u | (m << 13);               /* Inf, NaN */
    else if (e != 0) u = sign | ((e + 112u) << 23) | (m << 13);      /* normal: rebias 15 -> 127 */
    else if (m == 0) u = sign;                                       /* ±0 */
    else {                                                           /* subnormal: normalise */
        int shift = 0;
        while (!(m & 0x400u)) { m <<= 1; shift++; }
        u = sign | ((unsigned int)(113 - shift) << 23) | ((m & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

namespace nvcuda { namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K, class T, class Layout = void> struct fragment;
template <int M, int N, int K> struct fragment<matrix_a, M, N, K, __half, row_major> { float x[M * K]; };
template <int M, int N, int K> struct fragment<matrix_b, M, N, K, __half, row_major> { float x[K * N]; };
template <int M, int N, int K> struct fragment<accumulator, M, N, K, float, void> { float x[M * N]; };

inline bool mcdrop_lane0() { return (threadIdx.x + threadIdx.y * blockDim.x) % 32 == 0; }
inline void mcdrop_check_tile(const void* p, unsigned ldm, unsigned elementBytes, const char* call) {
    if ((uintptr_t)p % 32 != 0 || (ldm * elementBytes) % 16 != 0) {
        std::fprintf(stderr, "%s: pointer %p or ldm %u not aligned as WMMA requires\n", call, p, ldm);
        std::abort();
    }
}

template <int M, int N, int K>
inline void fill_fragment(fragment<accumulator, M, N, K, float>& f, float v) {
    if (!mcdrop_lane0()) return;
    for (float& x : f.x) x = v;
}
template <int M, int N, int K>
inline void load_matrix_sync(fragment<matrix_a, M, N, K, __half, row_major>& f, const __half* p, unsigned ldm) {
    if (!mcdrop_lane0()) return;
    mcdrop_check_tile(p, ldm, 2, "load_matrix_sync(matrix_a)");
    for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++) f.x[i * K + k] = mcdrop_half_to_float(p[(size_t)i * ldm + k].bits);
}
template <int M, int N, int K>
inline void load_matrix_sync(fragment<matrix_b, M, N, K, __half, row_major>& f, const __half* p, unsigned ldm) {
    if (!mcdrop_lane0()) return;
    mcdrop_check_tile(p, ldm, 2, "load_matrix_sync(matrix_b)");
    for (int k = 0; k < K; k++)
        for (int j = 0; j < N; j++) f.x[k * N + j] = mcdrop_half_to_float(p[(size_t)k * ldm + j].bits);
}
template <int M, int N, int K>
inline void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, __half, row_major>& a,
                     const fragment<matrix_b, M, N, K, __half, row_major>& b, const fragment<accumulator, M, N, K, float>& c) {
    if (!mcdrop_lane0()) return;
    float out[M * N];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float s = c.x[i * N + j];
            for (int k = 0; k < K; k++) s += a.x[i * K + k] * b.x[k * N + j];
            out[i * N + j] = s;
        }
    std::memcpy(d.x, out, sizeof out);
}
template <int M, int N, int K>
inline void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
    if (!mcdrop_lane0()) return;
    mcdrop_check_tile(p, ldm, 4, "store_matrix_sync");
    if (layout != mem_row_major) std::abort();
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) p[(size_t)i * ldm + j] = f.x[i * N + j];
}
}}  // namespace nvcuda::wmma
