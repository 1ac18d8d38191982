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
#include <math.h> /* expf, logf, fmaxf, INFINITY */
